"""Link: records to people, people to the PMI."""
