"""The factories build valid records that satisfy every constraint on both databases."""

from tests import factories


def test_factories_build_a_case_chain(db):
    field = factories.make_field()
    item = factories.make_plan_item(fields=[field])
    inspection = factories.make_inspection(state="monitoring", plan_item=item)
    finding = factories.make_finding(inspection=inspection, field=field)
    case = factories.make_case(
        inspection=inspection, findings=[finding], type="recovery", amount_vnd=1_500_000
    )
    db.session.commit()
    assert case.reference == f"KN-{inspection.id}/{case.number}"
    assert case.findings == [finding]
    assert item.fields == [field]
