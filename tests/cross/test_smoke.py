def test_login_page(client):
    r = client.get("/login")
    assert r.status_code == 200
    assert "Đăng nhập" in r.get_data(as_text=True) or "Sign in" in r.get_data(as_text=True)


def test_login_each_role(login_as):
    for role in ["admin", "inspector", "lead_inspector", "unit_leader", "leadership"]:
        c = login_as(role)
        r = c.get("/")
        assert r.status_code == 200, role


def test_huge_record_ids_are_404_not_500(login_as):
    c = login_as("admin")
    for url in [
        "/cases/99999999999999999999",
        "/inspections/99999999999999999999",
        "/plans/99999999999999999999",
    ]:
        assert c.get(url).status_code == 404, url
