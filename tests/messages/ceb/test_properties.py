"""Property tests: any model survives JSON → XML → model and XML → model unchanged."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from cbec.messages.ceb import CebMessage, CebRecord, build_xml, dump_json, parse_json, parse_xml, to_json
from cbec.messages.ceb.xsd import ElementDecl, layouts

from .samples import official

# Characters XML 1.0 can carry (no C0 controls except tab/newline/CR, no surrogates), Chinese included.
xml_text = st.text(
    alphabet=st.characters(
        blacklist_categories=("Cs",),
        blacklist_characters=[chr(c) for c in range(0x20) if c not in (0x09, 0x0A, 0x0D)]
        + ["\ufffe", "\uffff"],
    ),
    max_size=12,
)
SIGNATURE = parse_xml(official("CEB311Message.xml")).signature


def fields(decl: ElementDecl) -> st.SearchStrategy[dict[str, str]]:
    names = [child.name for child in decl.children if child.is_leaf]
    return st.dictionaries(st.sampled_from(names), xml_text, max_size=len(names)) if names else st.just({})


@st.composite
def messages(draw: st.DrawFn) -> CebMessage:
    message_type = draw(st.sampled_from(sorted(layouts())))
    lay = layouts()[message_type]
    count = draw(st.integers(min_value=0, max_value=3))
    records = []
    for index in range(count):
        head = draw(fields(lay.fields))
        lists = {decl.name: draw(st.lists(fields(decl), max_size=3)) for decl in lay.lists}
        records.append(CebRecord(index, lay.record.name, head.get("guid"), head, lists))
    declaration = lay.trailer_decl("BaseTransfer") is not None
    return CebMessage(
        message_type=message_type,
        guid=draw(st.none() | xml_text),
        version=draw(st.none() | xml_text),
        records=records,
        base_transfer=draw(st.none() | fields(lay.trailer_decl("BaseTransfer") or lay.root))
        if declaration
        else None,
        base_subscribe=draw(
            st.lists(st.fixed_dictionaries({"status": xml_text, "dxpMode": xml_text}), max_size=2)
        )
        if declaration
        else [],
        signature=draw(st.sampled_from([None, SIGNATURE])) if declaration else None,
    )


@settings(max_examples=150, deadline=None)
@given(messages())
def test_json_to_xml_to_model_is_lossless(message: CebMessage) -> None:
    assert parse_json(to_json(message)) == message
    assert parse_json(dump_json(message)) == message


@settings(max_examples=150, deadline=None)
@given(messages())
def test_xml_round_trip_is_lossless(message: CebMessage) -> None:
    rebuilt = parse_xml(build_xml(message))
    assert rebuilt == message
    assert to_json(rebuilt) == to_json(message)
