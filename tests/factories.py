from datetime import date

import factory
from django.utils import timezone

from indicators.models import Indicator
from partners.choices import PartnerType, Role
from partners.models import ApiToken, Partner, User
from reporting.activities.models import ActivityReport
from reporting.locations.models import Location


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partner
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"TEST{n}")
    name = factory.LazyAttribute(lambda o: f"Test organisation {o.code}")
    type = PartnerType.INTERNATIONAL_NGO
    appealing = True


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    partner = factory.SubFactory(PartnerFactory)
    role = Role.REPORTER


def token_for(user: User) -> str:
    return ApiToken.issue(user=user, name="test")[1]


class ActivityReportFactory(factory.django.DjangoModelFactory):
    """A valid Direct Assistance row (PRT-01 in Tumbes), written straight to the table."""

    class Meta:
        model = ActivityReport

    month = date(2021, 3, 1)
    partner = factory.SubFactory(PartnerFactory)
    admin1 = factory.LazyFunction(lambda: Location.objects.get(pcode="PE24"))
    admin2 = None
    indicator = factory.LazyFunction(lambda: Indicator.objects.get(code="PRT-01"))
    activity_name = factory.Sequence(lambda n: f"Protection orientation {n}")
    rmrp = True
    cva = False
    total_beneficiaries = 100
    new_beneficiaries = 80
    pop_in_destination = 80
    women = 50
    men = 30
    created_at = factory.LazyFunction(timezone.now)
    updated_at = factory.LazyFunction(timezone.now)
    created_by = factory.SubFactory(UserFactory)
    updated_by = factory.SelfAttribute("created_by")
