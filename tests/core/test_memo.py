"""Values kept for one request are read once, and read afresh once the request writes their
table: the unit tree (a unit leader's scope, a notice's recipients) and the settings."""

from __future__ import annotations

from inspect_app.core.memo import per_request
from inspect_app.reference import rules
from inspect_app.reference.models import Setting
from inspect_app.units.queries import subtree_ids, unit_parents
from tests import factories as f


def test_the_unit_tree_is_read_once_a_request_and_again_after_a_unit_is_written(
    app, db, count_queries
):
    top = f.make_unit("Sở Thử nghiệm")
    db.session.commit()
    top_id = top.id
    with app.test_request_context():
        with count_queries() as n:
            assert subtree_ids(top_id) == {top_id}
            unit_parents()
            subtree_ids(top_id)
        assert n() == 1
        child = f.make_unit("Phòng Thử nghiệm", parent=top)  # flushed: the tree is dropped
        assert per_request("unit_tree") == {}
        assert subtree_ids(top_id) == {top_id, child.id}
        child.parent_id = None
        db.session.flush()
        assert subtree_ids(top_id) == {top_id}


def test_a_setting_is_read_once_a_request_and_again_after_it_is_written(app, db, count_queries):
    db.session.add(Setting(key=f"{rules.AUTO_PREFIX}level_2", value="0"))
    db.session.commit()
    with app.test_request_context():
        # Every setting the case page reads, in one query.
        with count_queries() as n:
            assert rules.extension_approver() == rules.SETTING_DEFAULTS["extension.approver"]
            rules.extension_approver()
            assert rules.extension_max_approved() == 2
            assert "level_2" not in rules.automatic_steps()
            assert "level_1" in rules.automatic_steps()
        assert n() == 1
        db.session.add(Setting(key="extension.approver", value="leadership"))
        db.session.flush()
        assert rules.extension_approver() == "leadership"


def test_outside_a_request_the_automatic_steps_are_one_query(app, db, count_queries):
    """The sweep (no request) reads the ladder's switches with one query, not one a step."""
    with count_queries() as n:
        assert rules.automatic_steps() == set(rules.LADDER)
    assert n() == 1
