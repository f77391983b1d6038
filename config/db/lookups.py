"""`field__any=values`: `field IN values` that costs one parameter on PostgreSQL.

Batches look reports up by thousands of external ids or activity names at once. Django
writes `IN (%s, %s, …)` with a parameter per value, and building, quoting and planning 5,000
of them took longer than running the look-up. On PostgreSQL the values go as one array
(`= ANY(%s)`); elsewhere this is the ordinary `IN`.
"""

from django.core.exceptions import EmptyResultSet
from django.db.models import Field
from django.db.models.lookups import In


@Field.register_lookup
class AnyOf(In):
    lookup_name = "any"

    def as_postgresql(self, compiler, connection):
        if not self.rhs_is_direct_value():
            return self.as_sql(compiler, connection)
        values = [v for v in self.rhs if v is not None]
        if not values:
            raise EmptyResultSet
        field = self.lhs.output_field
        values = [field.get_db_prep_value(v, connection, prepared=True) for v in values]
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s)", (*lhs_params, values)
