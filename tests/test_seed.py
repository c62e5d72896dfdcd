"""Reference data loads from seeds/ any number of times without duplicates; demo data never in production."""

import sqlalchemy as sa

from admin_app.extensions import db
from admin_app.models import (
    AmpkCategory,
    LetterType,
    Region,
    RegionLevel,
    RiskIndicator,
    Role,
    User,
    ViolenceType,
)


def _counts():
    return {
        model.__name__: db.session.execute(sa.select(sa.func.count()).select_from(model)).scalar_one()
        for model in (Role, Region, RiskIndicator, LetterType, ViolenceType, AmpkCategory, User)
    }


def test_reference_data_is_loaded(app):
    counts = _counts()
    assert counts["Role"] == 4
    assert counts["AmpkCategory"] == 15
    kecamatan = db.session.execute(sa.select(Region).where(Region.level == RegionLevel.KECAMATAN)).scalars().all()
    kelurahan = db.session.execute(sa.select(Region).where(Region.level == RegionLevel.KELURAHAN)).scalars().all()
    assert len(kecamatan) == 13
    assert len(kelurahan) == 104
    assert all(k.code.startswith(k.parent.code + ".1") for k in kelurahan)
    labels = set(db.session.execute(sa.select(ViolenceType.label)).scalars())
    assert labels == {"Fisik", "Psikis", "Seksual", "Eksploitasi", "Trafficking", "Penelantaran", "Lainnya"}


def test_seed_is_idempotent(app, runner):
    before = _counts()
    result = runner.invoke(args=["seed"])
    assert result.exit_code == 0, result.output
    assert "tidak ada yang ditambahkan" in result.output
    result = runner.invoke(args=["seed"])
    assert result.exit_code == 0
    assert _counts() == before


def test_seed_keeps_administrator_edits(app, runner):
    fisik = db.session.execute(sa.select(ViolenceType).where(ViolenceType.code == "fisik")).scalar_one()
    fisik.label = "Fisik (diubah)"
    db.session.commit()
    assert runner.invoke(args=["seed"]).exit_code == 0
    db.session.expire_all()
    assert db.session.get(ViolenceType, fisik.id).label == "Fisik (diubah)"


def test_demo_seed_creates_users_once(app, runner):
    result = runner.invoke(args=["seed", "--demo"])
    assert result.exit_code == 0, result.output
    assert "jangkau-demo" in result.output
    first = _counts()
    assert runner.invoke(args=["seed", "--demo"]).exit_code == 0
    assert _counts() == first
    names = set(db.session.execute(sa.select(User.username)).scalars())
    assert {"kepala", "petugas1", "petugas2", "administrasi", "sysadmin"} <= names


def test_demo_seed_refused_in_production(app, runner):
    app.config["DEMO_ALLOWED"] = False
    result = runner.invoke(args=["seed", "--demo"])
    assert result.exit_code != 0
    assert "produksi" in result.output
    assert db.session.execute(sa.select(sa.func.count()).select_from(User)).scalar_one() == 0
