from django.conf import settings


def read_alias() -> str:
    """Where figures and exports read: the replica when DATABASE_REPLICA_URL is set."""
    return "replica" if "replica" in settings.DATABASES else "default"
