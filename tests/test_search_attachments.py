"""The text of attached files in search: permissions of the page, reindexed at each upload or removal."""

from __future__ import annotations

import io
import re

import pytest

from tests.conftest import AuthActions, csrf_token
from tests.test_media_text import make_docx, make_odt, make_pdf


def upload(client, page, files):
    data = {"csrf_token": csrf_token(client, "/wiki/"), "file": [(io.BytesIO(d), n) for n, d in files]}
    return client.post(f"/wiki/{page}?action=upload", data=data, content_type="multipart/form-data")


def remove(client, page, filename, token=True):
    data = {"filename": filename}
    if token:
        data["csrf_token"] = csrf_token(client, "/login")
    return client.post(f"/wiki/{page}?action=remove-file", data=data)


def found(client, q) -> list[str]:
    """Names of the wiki pages a search lists (for whoever is logged in)."""
    html = client.get(f"/recherche?q={q}&type=pages").get_data(as_text=True)
    return re.findall(r'<h2><a href="/wiki/([^"]+)"', html)


@pytest.fixture
def wiki(app):
    store = app.extensions["reperes"]["pages"]
    store.save("Privée", "Notes internes.", author="anne")
    store.save("Publique", "Accueil de jour.", author="anne", meta={"public": True})
    return app


def test_pdf_on_a_private_page_is_found_by_members_only(client, auth, wiki):
    auth.login()
    assert upload(client, "Privée", [("cr-mars.pdf", make_pdf(["Atelier quinoa solidaire"]))]).status_code == 303
    assert found(client, "quinoa") == ["Priv%C3%A9e"]  # no page save: the upload alone
    html = client.get("/recherche?q=quinoa").get_data(as_text=True)
    assert "dans le fichier « cr-mars.pdf »" in html
    assert "<mark>quinoa</mark>" in html
    auth.logout()
    assert found(client, "quinoa") == []
    html = client.get("/recherche?q=quinoa").get_data(as_text=True)
    assert "quinoa solidaire" not in html.lower()
    assert "cr-mars" not in html


def test_pdf_on_a_public_page_is_found_by_everyone(client, auth, wiki):
    auth.login()
    upload(client, "Publique", [("planning.odt", make_odt(["Permanence boulgour le mardi"]))])
    auth.logout()
    assert found(client, "boulgour") == ["Publique"]
    assert found(client, "permanences") == ["Publique"]  # the French analyzer applies


def test_making_the_page_private_hides_its_files_text(client, auth, wiki):
    auth.login()
    upload(client, "Publique", [("cr.docx", make_docx(["Réunion sarrasin"]))])
    store = wiki.extensions["reperes"]["pages"]
    store.save("Publique", "Accueil de jour.", author="anne", meta={"public": False})
    auth.logout()
    assert found(client, "sarrasin") == []


def test_removing_the_file_removes_its_text_from_results(client, auth, wiki):
    auth.login()
    upload(client, "Privée", [("cr.pdf", make_pdf(["Quinoa solidaire"])), ("autre.txt", b"Epeautre\n")])
    assert found(client, "quinoa") == ["Priv%C3%A9e"]
    response = remove(client, "Privée", "cr.pdf")
    assert response.status_code == 303
    assert "action=attachments" in response.headers["Location"]
    assert found(client, "quinoa") == []
    assert found(client, "epeautre") == ["Priv%C3%A9e"]  # the other file stays
    listing = client.get("/wiki/Privée?action=attachments").get_data(as_text=True)
    assert "cr.pdf" not in listing.split("<h1>", 1)[1].split("</main>")[0].replace("retiré", "")
    assert client.get("/fichiers/Privée/cr.pdf").status_code == 404
    assert client.get("/fichiers/Privée/cr.pdf?v=1").status_code == 404
    assert upload(client, "Privée", [("cr.pdf", make_pdf(["Quinoa revenu"]))]).status_code == 303
    assert found(client, "revenu") == ["Priv%C3%A9e"]  # sent again: back, as version 2


def test_a_new_version_replaces_the_text(client, auth, wiki):
    auth.login()
    upload(client, "Privée", [("menu.txt", b"Lundi : lentilles\n")])
    upload(client, "Privée", [("menu.txt", b"Lundi : pois chiches\n")])
    assert found(client, "lentilles") == []
    assert found(client, "chiches") == ["Priv%C3%A9e"]


def test_a_file_name_match_says_so_too(client, auth, wiki):
    auth.login()
    upload(client, "Privée", [("tarifs-cantine.txt", b"Trois euros le repas.\n")])
    html = client.get("/recherche?q=euros").get_data(as_text=True)
    assert "dans le fichier « tarifs-cantine.txt »" in html
    html = client.get("/recherche?q=internes").get_data(as_text=True)
    assert "dans le fichier" not in html  # the page's own words


def test_unreadable_files_keep_their_page_indexed(client, auth, wiki):
    auth.login()
    broken = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
    assert upload(client, "Privée", [("abime.pdf", broken), ("vide.docx", make_docx([]))]).status_code == 303
    assert found(client, "internes") == ["Priv%C3%A9e"]
    assert found(client, "abime") == ["Priv%C3%A9e"]  # by its name still


def test_reindex_reads_the_kept_text_not_the_file(client, auth, wiki, runner):
    auth.login()
    upload(client, "Privée", [("cr.pdf", make_pdf(["Quinoa solidaire"]))])
    files = wiki.extensions["reperes"]["page_attachments"]

    def must_not_run(path, mime):
        raise AssertionError("the PDF was parsed again")

    files.extract = must_not_run
    result = runner.invoke(args=["reindex"])
    assert result.exit_code == 0, result.output
    assert found(client, "quinoa") == ["Priv%C3%A9e"]


def test_check_is_clean_after_uploads_and_removals(client, auth, wiki, runner):
    auth.login()
    upload(client, "Privée", [("cr.pdf", make_pdf(["Quinoa"])), ("a.txt", b"x\n")])
    remove(client, "Privée", "a.txt")
    result = runner.invoke(args=["check"])
    assert result.exit_code == 0, result.output


# ------------------------------------------------------------------ bad input on the removal


def test_removing_a_missing_file_says_so(client, auth, wiki):
    auth.login()
    response = remove(client, "Privée", "absent.pdf")
    assert response.status_code == 404
    assert "plus) joint à la page" in response.get_data(as_text=True)
    for bad in ("", "../../current", "a/b.txt", "x" * 500):
        assert remove(client, "Privée", bad).status_code == 404
    assert remove(client, "Absente", "cr.pdf").status_code == 404


def test_removal_needs_a_member_and_a_token(client, wiki, app):
    member = app.test_client()
    AuthActions(member).login()
    upload(member, "Publique", [("cr.txt", b"Quinoa\n")])
    response = remove(client, "Publique", "cr.txt")  # anonymous
    assert response.status_code in (302, 401)
    assert remove(member, "Publique", "cr.txt", token=False).status_code == 400
    assert found(client, "quinoa") == ["Publique"]
    assert "Retirer" not in client.get("/wiki/Publique?action=attachments").get_data(as_text=True)
    assert "Retirer" in member.get("/wiki/Publique?action=attachments").get_data(as_text=True)


def test_a_match_deep_in_a_long_file_names_the_file(client, auth, wiki):
    auth.login()
    filler = " ".join(f"ligne{i}" for i in range(400))
    upload(client, "Privée", [("a.txt", b"Rien ici.\n"), ("long.txt", f"{filler} quinoa fin.\n".encode()),
                              ("z.txt", b"Rien non plus.\n")])
    html = client.get("/recherche?q=quinoa").get_data(as_text=True)
    snippet = html.split('<p class="snippet">', 1)[1].split("</p>", 1)[0]
    assert "« long.txt »" not in snippet  # far from its heading ...
    assert "dans le fichier « long.txt »" in html  # ... and still named
