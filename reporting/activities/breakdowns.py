"""The 5W's breakdown columns, as data: the model declares them, the rules read them."""

# Breakdown columns: (API key, model field). Kept as plain integer columns so the database
# can sum them; the API nests them as `population` and `age_sex` objects.
POPULATION_FIELDS = (
    ("in_destination", "pop_in_destination"),
    ("in_transit", "pop_in_transit"),
    ("host_community", "pop_host_community"),
    ("pendular", "pop_pendular"),
    ("returnees", "pop_returnees"),
)


AGE_SEX_FIELDS = (
    ("girls", "girls"),
    ("boys", "boys"),
    ("women", "women"),
    ("men", "men"),
    ("other_under_18", "other_under_18"),
    ("other_over_18", "other_over_18"),
)

__all__ = ["AGE_SEX_FIELDS", "POPULATION_FIELDS"]
