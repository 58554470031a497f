"""Assess: what each person has exposed, how serious it is, and who must decide on telling them."""
