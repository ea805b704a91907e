"""A small Repères with something of every kind, private and public, and one device per role.

Canary words sit in everything a visitor without the right must never see: a private wiki
page (and its history), a draft and a pro-only field of the directory, an internal and a
draft event, another participant's draft, a network-only contribution, a private page's
attachment. The suites grep every response for them.
"""

from __future__ import annotations

import atexit
import io
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image

from agenda.event import Event
from app import create_app
from directory import sheet as sheet_mod
from mediation.model import Consent
from wiki.attachments import prepare

CANARY_PAGE = "canaripagesecrete"          # a members-only wiki page (current and old revision)
CANARY_OLD = "canarianciennepublique"       # an old revision of a public page whose history is closed
CANARY_PRO = "canarichampsreserves"         # the pro-only field of a published sheet
CANARY_DRAFT_SHEET = "canarificheenbrouillon"
CANARY_EVENT = "canarireunioninterne"
CANARY_DRAFT_EVENT = "canarievenementbrouillon"
CANARY_OTHER_DRAFT = "canaribrouillondautrui"  # another participant's draft contribution
CANARY_NETWORK = "canarireseauseulement"      # a contribution published for members only
CANARY_FILE = "canarifichierprive"            # an attachment of a private page
CANARY_PSEUDONYM = "Canarilune"               # another participant's pseudonym
CANARY_PROPOSED = "canaripropositionenattente"  # a contribution waiting for moderation
SEARCH_WORD = "mouettebleue"                  # in every private item: search for it, never for a canary

PRIVATE = (CANARY_PAGE, CANARY_OLD, CANARY_PRO, CANARY_DRAFT_SHEET, CANARY_EVENT,
           CANARY_DRAFT_EVENT, CANARY_OTHER_DRAFT, CANARY_NETWORK, CANARY_FILE, CANARY_PSEUDONYM,
           CANARY_PROPOSED)
# What a member (any account) may read; the rest stays with mediators/moderators.
MEMBER_READABLE = (CANARY_PAGE, CANARY_OLD, CANARY_PRO, CANARY_DRAFT_SHEET, CANARY_EVENT,
                   CANARY_DRAFT_EVENT, CANARY_NETWORK, CANARY_FILE)

ROLES = ("anonymous", "participant", "member", "mediator", "moderator", "admin", "deactivated")
ACCOUNTS = {"member": "anne", "mediator": "medi", "moderator": "modo", "admin": "admin",
            "deactivated": "gone"}
NOW = "2026-11-26T09:00"
_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def png(width: int = 40, height: int = 30, color: str = "teal") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), color).save(out, "PNG")
    return out.getvalue()


@dataclass
class World:
    """The app and the names of what it holds."""

    app: object
    data: Path
    ids: dict = field(default_factory=dict)


_TEMPLATES: dict[tuple, tuple[Path, dict]] = {}


def build_world(data: Path, **config) -> World:
    """The filled world on a fresh data folder (filled once per process, then copied: fast)."""
    key = tuple(sorted(config.items()))
    if key not in _TEMPLATES:
        template = Path(tempfile.mkdtemp(prefix="reperes-world-")) / "data"
        atexit.register(shutil.rmtree, template.parent, ignore_errors=True)
        world = _fill(template, **config)
        world.app.extensions["reperes"]["search_index"].drain(block=True)
        _TEMPLATES[key] = (template, world.ids)
    template, ids = _TEMPLATES[key]
    shutil.copytree(template, data, symlinks=True)
    return World(_app(data, **config), data, dict(ids))


def _app(data: Path, **config):
    return create_app({"DATA_DIR": str(data), "SECRET_KEY": "security-tests", "TESTING": True,
                       "AGENDA_NOW": NOW, **config})


def _fill(data: Path, **config) -> World:
    """Create the app on data and fill it."""
    app = create_app({"DATA_DIR": str(data), "SECRET_KEY": "security-tests", "TESTING": True,
                      "AGENDA_NOW": NOW, **config})
    ext = app.extensions["reperes"]
    users = ext["users"]
    users.add("admin", ["admin"], "admin-password")
    users.add("anne", ["member"], "anne-password", display_name="Anne")
    users.add("medi", ["mediateur"], "medi-password")
    users.add("modo", ["moderateur"], "modo-password")
    users.add("gone", ["member"], "gone-password")
    ids: dict[str, str] = {}

    pages = ext["pages"]
    pages.save("Accueil", "Bienvenue sur Repères.", author="admin", meta={"public": True})
    pages.save("Publique", f"Ancien texte {CANARY_OLD} {SEARCH_WORD}.", author="anne", meta={"public": False})
    pages.save("Publique", "Texte public, histoire fermée.", author="anne", meta={"public": True})
    pages.save("Secret", f"Compte rendu {CANARY_PAGE} {SEARCH_WORD} première version.", author="anne",
               meta={"public": False})
    pages.save("Secret", f"Compte rendu {CANARY_PAGE} {SEARCH_WORD} seconde version.", author="anne",
               meta={"public": False})
    ext["page_attachments"].add("Secret", prepare("compte-rendu.txt", f"{CANARY_FILE}\n".encode()),
                                author="anne")
    ext["page_attachments"].add("Secret", prepare("photo.png", png()), author="anne")

    structures = ext["structures"]
    for name, status, pro, text in (("Le Phare", "publiee", f"{CANARY_PRO} {SEARCH_WORD}", ""),
                                    ("Fiche en brouillon", "brouillon", "", f"{CANARY_DRAFT_SHEET} {SEARCH_WORD}")):
        sheet_mod.save(structures, sheet_mod.Sheet(slug="", name=name, status=status, pro_contact=pro,
                                                   presentation=text,
                                                   services=(sheet_mod.Service("Douches"),)),
                       author="admin", create=True)
    ids["sheet"] = "le-phare"
    ids["draft_sheet"] = next(n for n in structures.names() if n != "le-phare")

    events = ext["events"]
    for name, fields in (("portes-ouvertes", {"title": "Portes ouvertes"}),
                         ("interne", {"title": f"Réunion {CANARY_EVENT} {SEARCH_WORD}", "internal": True,
                                      "structure": "", "place": "autre", "address": "Salle"}),
                         ("brouillon", {"title": f"Atelier {CANARY_DRAFT_EVENT} {SEARCH_WORD}", "status": "brouillon"})):
        values = {"start": "2026-11-27T14:00", "end": "2026-11-27T17:00", "place": "structure",
                  "structure": "le-phare", "status": "publie", **fields}
        event = Event(**values)
        events.save(name, event.to_text(), author="admin", meta={**event.meta(), "reviewed": 2})
    ids["event"], ids["internal_event"] = "portes-ouvertes", "interne"

    med = ext["mediation"]
    workshop = med.open_workshop("Atelier photo", "medi", "le-phare")
    me = med.add_participant("Soleil", "medi")
    other = med.add_participant(CANARY_PSEUDONYM, "medi")
    med.join(workshop.id, me.id, "medi")
    med.join(workshop.id, other.id, "medi")
    ids.update(wid=workshop.id, pid=me.id, other_pid=other.id)

    def fill(text, status, scope="public"):
        def change(c):
            c.text = text
            c.consent = Consent(given=True, scope=scope)
            c.status = status
        return change

    mine = med.create("texte", me.id, workshop.id, "medi", "participant")
    med.update(mine.id, fill("Mon brouillon", "brouillon"), "participant")
    draft = med.create("texte", other.id, workshop.id, "medi", "participant")
    med.update(draft.id, fill(f"Texte {CANARY_OTHER_DRAFT} {SEARCH_WORD}", "brouillon"), "participant")
    network = med.create("texte", other.id, workshop.id, "medi", "participant")
    med.update(network.id, fill(f"Texte {CANARY_NETWORK} {SEARCH_WORD}", "publie", "reseau"), "modo")
    public = med.create("texte", other.id, workshop.id, "medi", "participant")
    med.update(public.id, fill("Texte public de la galerie", "publie"), "modo")
    proposed = med.create("texte", other.id, workshop.id, "medi", "participant")
    med.update(proposed.id, fill(f"Texte {CANARY_PROPOSED} {SEARCH_WORD}", "propose"), "participant")
    ids.update(my_cid=mine.id, draft_cid=draft.id, network_cid=network.id, public_cid=public.id,
               proposed_cid=proposed.id)
    photo = med.create("photo", other.id, workshop.id, "medi", "participant")
    from mediation.uploads import store_media

    with app.test_request_context():
        info = store_media(photo.id, "photo", png())

    def set_media(c):
        c.media = info
    med.update(photo.id, set_media, "participant")
    ids.update(draft_photo=photo.id, draft_mid=info["id"])

    search_index = ext.get("search_index")
    if search_index is not None:
        search_index.drain(block=True)
    users.set_active("gone", False)
    return World(app, data, ids)


class Device:
    """One browser: its own cookies, a CSRF token per request when asked."""

    def __init__(self, world: World, role: str):
        self.world, self.role = world, role
        self.client = world.app.test_client()
        self.start()

    def start(self) -> None:
        """Log in (or take the participant's turn) again on fresh cookies."""
        app, role = self.world.app, self.role
        self.client = app.test_client()
        if role == "participant":
            from mediation.access import COOKIE, participant_token

            with app.test_request_context():
                value = participant_token(self.world.ids["wid"], self.world.ids["pid"])
            self.client.set_cookie(COOKIE, value)
        elif role == "deactivated":
            users = app.extensions["reperes"]["users"]
            users.set_active("gone", True)
            self.login("gone")
            users.set_active("gone", False)  # the cookie stays, the account is off
        elif role != "anonymous":
            self.login(ACCOUNTS[role])

    def login(self, username: str) -> None:
        response = self.client.post("/login", data={"username": username, "password": f"{username}-password",
                                                    "csrf_token": self.token("/login")})
        assert response.status_code == 302, response.get_data(as_text=True)[:300]

    def token(self, url: str = "/login") -> str:
        html = self.client.get(url).get_data(as_text=True)
        found = _TOKEN.search(html)
        if found:
            return found.group(1)
        with self.client.session_transaction() as session:  # pages without a form
            token = session.get("csrf_token")
        if token:
            from itsdangerous import URLSafeTimedSerializer

            return URLSafeTimedSerializer(self.world.app.secret_key, salt="wtf-csrf-token").dumps(token)
        raise AssertionError(f"no CSRF token on {url}")

    def post(self, url: str, data: dict | None = None, **kw):
        data = dict(data or {})
        data.setdefault("csrf_token", self.token())
        return self.client.post(url, data=data, **kw)
