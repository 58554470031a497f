from breachdesk.cli import main

main()
