def test_page_save_and_view(client, auth):
    auth.login()
    token = auth.token("/wiki/Essai?action=edit")
    r = client.post("/wiki/Essai", data={"text": "# Bonjour\n[[Ailleurs]]", "base_rev": "0", "csrf_token": token})
    assert r.status_code == 302
    html = client.get("/wiki/Essai").get_data(as_text=True)
    assert "Bonjour" in html
    assert "wikilink missing" in html
