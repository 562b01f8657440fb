"""Toolkits of the authorization and XSS world (tests/festival/organisers_seed.py): a published
toolkit of organisation A with a link and a PDF, attached to A's live session, and a draft of A's.
Made through the real store and the real media storage; texts can be swapped for payloads."""

from __future__ import annotations

import io
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from festival import media
from festival.models import FestivalSession, Organisation
from festival.settings import Settings
from festival.stores import toolkits as store
from festival.toolkits import ToolkitInput
from tests.conftest import FESTIVAL_NOON
from tests.dbtools import with_db
from tests.festival.organisers_seed import A_LIVE, ORG_A, Texts, World

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@dataclass(frozen=True)
class Toolkits:
    """Names for URL templates: the published toolkit, its resources, the draft."""

    published: str
    link_id: int
    file_id: int
    draft: str
    file_key: str

    def values(self) -> dict[str, str]:
        return {
            "toolkit": self.published,
            "toolkit_link": str(self.link_id),
            "toolkit_file": str(self.file_id),
            "toolkit_draft": self.draft,
        }


def seed_toolkits(settings: Settings, world: World, texts: Texts) -> Toolkits:
    key = media.new_key()

    async def make(db: AsyncSession) -> Toolkits:
        org_a = await db.get(Organisation, world.organisation_ids[ORG_A])
        assert org_a is not None
        data = ToolkitInput(
            title=texts.toolkit_title,
            summary=texts.toolkit_summary,
            languages=("en", "sw"),
            age_groups=("teenagers",),
            sdgs=(4, 13),
            topics=(texts.toolkit_topic,),
            licence="cc-by-4.0",
        )
        published = await store.create_toolkit(db, org_a, data, FESTIVAL_NOON)
        link = await store.add_link(
            db, published, texts.resource_title, "https://example.org/guide", FESTIVAL_NOON
        )
        await media.LocalMediaStorage(settings.media_dir).put(key, io.BytesIO(PDF))
        file = await store.add_file(
            db,
            published,
            title=texts.resource_title,
            storage_key=key,
            content_type="application/pdf",
            size_bytes=len(PDF),
            file_name=texts.file_name,
            now=FESTIVAL_NOON,
        )
        await store.set_status(db, published, "published", FESTIVAL_NOON)
        draft = await store.create_toolkit(
            db,
            org_a,
            ToolkitInput("A draft kit", "", ("fr",), ("children",), (), (), "cc0-1.0"),
            FESTIVAL_NOON,
        )
        live = await db.get(FestivalSession, world.session_ids[A_LIVE])
        assert live is not None and live.id is not None and published.id is not None
        await store.attach(db, live.id, published.id, FESTIVAL_NOON)
        assert link.id is not None and file.id is not None
        return Toolkits(published.slug, link.id, file.id, draft.slug, key)

    return with_db(settings, make)
