"""Credit system (信用体系): the credit archive of each enterprise and the levels it is rated at."""
