def test_login_page(client):
    r = client.get("/login")
    assert r.status_code == 200
    assert "Đăng nhập" in r.get_data(as_text=True) or "Sign in" in r.get_data(as_text=True)


def test_login_each_role(login_as):
    for role in ["admin", "inspector", "lead_inspector", "unit_leader", "leadership"]:
        c = login_as(role)
        r = c.get("/")
        assert r.status_code == 200, role
