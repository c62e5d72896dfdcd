"""The lists' counts, capped: Flask-Admin counts the whole filtered list on every page (a COUNT(*) over a hundred
thousand cases, each time); here at most LIST_COUNT_CAP + 1 rows are counted and the tab reads
"Daftar (lebih dari 1.000)". Used by every list (`SecureModelView.get_count_query`)."""

from __future__ import annotations

from sqlalchemy import func, literal_column, select
from sqlalchemy.orm import Query

LIST_COUNT_CAP = 1000


class AtLeast(int):
    """A capped list count: Flask-Admin pages with it as a number; the tab reads "Daftar (lebih dari 1.000)"."""

    def __str__(self) -> str:
        return f"lebih dari {LIST_COUNT_CAP:,}".replace(",", ".")


class CappedCountQuery(Query):
    """The list's count query (filters, search and joins applied by Flask-Admin as usual) counts at most
    LIST_COUNT_CAP + 1 rows: a list of a hundred thousand cases is not counted to the last row on every page."""

    def scalar(self):
        rows = self.with_entities(literal_column("1")).order_by(None).limit(LIST_COUNT_CAP + 1).subquery()
        counted = self.session.execute(select(func.count()).select_from(rows)).scalar_one()
        return AtLeast(LIST_COUNT_CAP) if counted > LIST_COUNT_CAP else counted
