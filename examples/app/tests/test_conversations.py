"""The conversation store against moto's DynamoDB (in-process, no network), with the table laid out
as ``ChatbotConversations`` creates it, and botocore's Stubber where an exact call matters."""

from __future__ import annotations

import base64
import json

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from botocore.stub import Stubber
from moto import mock_aws

from chatbot import conversations as conv
from chatbot import identity

TABLE = "conversations"


@pytest.fixture
def dynamodb(monkeypatch):
    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "eu-west-1"}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL_DYNAMODB", raising=False)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    with mock_aws():
        client = boto3.client("dynamodb", region_name="eu-west-1")
        # The layout of src/conversations/chatbot-conversations.ts.
        client.create_table(
            TableName=TABLE,
            BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[{"AttributeName": n, "AttributeType": "S"} for n in ("userId", "sk", "updatedAt")],
            KeySchema=[{"AttributeName": "userId", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
            LocalSecondaryIndexes=[{
                "IndexName": "byUpdatedAt",
                "KeySchema": [{"AttributeName": "userId", "KeyType": "HASH"}, {"AttributeName": "updatedAt", "KeyType": "RANGE"}],
                "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["title", "createdAt"]},
            }],
        )
        yield client


class Counting:
    """A client that counts the calls of each operation, and can fail the next ones."""

    def __init__(self, client, fail: dict[str, list[str]] | None = None) -> None:
        self.client = client
        self.calls: dict[str, int] = {}
        self.requests: list[tuple[str, dict]] = []
        self.fail = fail or {}

    def __getattr__(self, operation):
        def call(**kwargs):
            self.calls[operation] = self.calls.get(operation, 0) + 1
            self.requests.append((operation, kwargs))
            codes = self.fail.get(operation)
            if codes:
                code = codes.pop(0)
                raise ClientError({"Error": {"Code": code, "Message": "Rate exceeded"}}, operation)
            return getattr(self.client, operation)(**kwargs)
        return call


class Clock:
    def __init__(self, start: float = 1_800_000_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        self.now += 1.0
        return self.now


def store_for(client, user="user-1", clock=None) -> conv.ConversationStore:
    return conv.ConversationStore(client, TABLE, user, retention_days=90, clock=clock or Clock())


def all_items(client, user="user-1") -> list[dict]:
    items, start = [], None
    while True:
        page = client.query(TableName=TABLE, KeyConditionExpression="userId = :u", ExpressionAttributeValues={":u": {"S": user}},
                            **({"ExclusiveStartKey": start} if start else {}))
        items += page["Items"]
        start = page.get("LastEvaluatedKey")
        if not start:
            return items


# -- the layout --------------------------------------------------------------------------------


def test_a_turn_is_a_header_and_one_item_per_message_with_ttl(dynamodb):
    clock = Clock(1_800_000_000.0)
    session = conv.ConversationSession(store_for(dynamodb, clock=clock))
    session.add_question("What is DynamoDB?")
    session.add_answer("A key-value database.")
    items = {i["sk"]["S"]: i for i in all_items(dynamodb)}
    cid = session.conversation_id
    assert sorted(items) == [f"CONV#{cid}", f"CONV#{cid}#MSG#00000000#000", f"CONV#{cid}#MSG#00000001#000"]
    header = items[f"CONV#{cid}"]
    assert header["title"]["S"] == "What is DynamoDB?"
    assert header["updatedAt"]["S"] == "2027-01-15T08:00:02.000Z"
    question = items[f"CONV#{cid}#MSG#00000000#000"]
    assert (question["role"]["S"], question["text"]["S"], question["status"]["S"]) == ("user", "What is DynamoDB?", "ok")
    # Expiry = write time + 90 days, in epoch seconds (DynamoDB's TTL format).
    assert int(question["expiresAt"]["N"]) == 1_800_000_001 + 90 * 86400
    assert int(header["expiresAt"]["N"]) == 1_800_000_002 + 90 * 86400


def test_the_question_is_saved_before_the_answer_exists(dynamodb):
    session = conv.ConversationSession(store_for(dynamodb))
    session.add_question("Still there?")
    # A task stopped here (mid-answer): a new session finds the question, marked unanswered.
    restored = conv.ConversationSession(store_for(dynamodb))
    assert restored.restore_latest()
    assert restored.turns() == [{"role": "user", "text": "Still there?", "failed": True}]


def test_failed_and_blocked_answers_are_saved_marked_and_kept_out_of_the_next_request(dynamodb):
    session = conv.ConversationSession(store_for(dynamodb))
    session.add_question("Q1")
    session.add_answer("The model is busy.", conv.STATUS_FAILED)
    session.add_question("Q2")
    session.add_answer("Blocked by the guardrail.", conv.STATUS_BLOCKED)
    session.add_question("Q3")
    session.add_answer("A3")
    restored = conv.ConversationSession(store_for(dynamodb))
    restored.restore_latest()
    assert [m.status for m in restored.messages] == ["ok", "failed", "ok", "blocked", "ok", "ok"]
    turns = restored.turns()
    assert turns[0] == {"role": "user", "text": "Q1", "failed": True}
    assert turns[1] == {"role": "assistant", "text": "The model is busy.", "error": True}
    assert turns[3] == {"role": "assistant", "text": "Blocked by the guardrail.", "error": True}
    from chatbot import bedrock
    assert bedrock.to_converse_messages(turns) == [
        {"role": "user", "content": [{"text": "Q3"}]}, {"role": "assistant", "content": [{"text": "A3"}]},
    ]


# -- listing, restoring ------------------------------------------------------------------------


def test_conversations_are_listed_newest_first_titled_from_the_first_question_and_the_latest_is_restored(dynamodb):
    clock = Clock()
    first = conv.ConversationSession(store_for(dynamodb, clock=clock))
    first.add_question("First topic " + "x" * 200)
    first.add_answer("ok")
    second = conv.ConversationSession(store_for(dynamodb, clock=clock))
    second.add_question("Second topic")
    # Activity in the first conversation makes it the most recent again; its title stays.
    first.add_question("A follow-up")
    listed = store_for(dynamodb).list_conversations()
    assert [c.conversation_id for c in listed] == [first.conversation_id, second.conversation_id]
    assert listed[0].title == ("First topic " + "x" * 200)[:79] + "…"
    assert listed[1].title == "Second topic"
    restored = conv.ConversationSession(store_for(dynamodb, clock=clock))
    assert restored.restore_latest()
    assert restored.conversation_id == first.conversation_id
    assert [m.text for m in restored.messages] == ["First topic " + "x" * 200, "ok", "A follow-up"]
    # A turn added after the restore continues the same conversation, after the saved ones.
    restored.add_answer("continued")
    assert [m.text for m in store_for(dynamodb).load_messages(first.conversation_id)][-1] == "continued"


def test_listing_pages_through_more_than_1_mb_of_a_users_history_without_a_scan(dynamodb):
    # 1,300 headers of about 1 KB each: the index holds more than one 1 MB page for this user.
    requests = []
    for n in range(1300):
        requests.append({"PutRequest": {"Item": {
            "userId": {"S": "user-1"}, "sk": {"S": f"CONV#{n:032x}"}, "title": {"S": f"{n:05d} " + "t" * 1000},
            "createdAt": {"S": "2026-01-01T00:00:00.000Z"}, "updatedAt": {"S": f"2026-01-01T00:00:00.{n:04d}Z"},
        }}})
    for i in range(0, len(requests), 25):
        dynamodb.batch_write_item(RequestItems={TABLE: requests[i:i + 25]})
    first_page = dynamodb.query(TableName=TABLE, IndexName="byUpdatedAt", KeyConditionExpression="userId = :u",
                                ExpressionAttributeValues={":u": {"S": "user-1"}})
    assert "LastEvaluatedKey" in first_page and len(first_page["Items"]) < 1300  # the fake does stop at 1 MB
    counting = Counting(dynamodb)
    listed = store_for(counting).list_conversations(limit=5000)
    assert len(listed) == 1300
    assert [c.title[:5] for c in listed[:3]] == ["01299", "01298", "01297"]
    assert counting.calls.get("query", 0) >= 2 and "scan" not in counting.calls
    assert all(r.get("IndexName") == "byUpdatedAt" and r["ScanIndexForward"] is False for op, r in counting.requests)


def test_the_list_stops_at_its_limit(dynamodb):
    store = store_for(dynamodb)
    for n in range(5):
        conv.ConversationSession(store).add_question(f"topic {n}")
    assert [c.title for c in store.list_conversations(limit=3)] == ["topic 4", "topic 3", "topic 2"]


# -- the 400 KB item limit ---------------------------------------------------------------------


def test_the_fake_refuses_an_item_over_400_kb(dynamodb):
    # So that the tests below would fail if the store wrote one.
    with pytest.raises(ClientError) as err:
        dynamodb.put_item(TableName=TABLE, Item={"userId": {"S": "u"}, "sk": {"S": "big"}, "text": {"S": "x" * 410_000}})
    assert err.value.response["Error"]["Code"] == "ValidationException"


def test_a_message_far_over_400_kb_is_stored_in_parts_and_read_back_whole(dynamodb):
    huge = "😀" * 150_000 + "end"  # 600 KB in UTF-8, four bytes a character
    session = conv.ConversationSession(store_for(dynamodb))
    session.add_question("Write a lot")
    session.add_answer(huge)
    assert session.notice is None and not session.pending
    sizes = [len(i.get("text", {}).get("S", "").encode()) for i in all_items(dynamodb)]
    assert max(sizes) <= 100_000
    assert store_for(dynamodb).load_messages(session.conversation_id)[1].text == huge


def test_a_very_long_conversation_is_stored_whole(dynamodb):
    session = conv.ConversationSession(store_for(dynamodb))
    for n in range(150):
        session.add_question(f"question {n} " + "q" * 3000)
        session.add_answer(f"answer {n} " + "a" * 3000)
    assert not session.pending
    messages = store_for(dynamodb).load_messages(session.conversation_id)  # about 900 KB: pages past 1 MB with the keys
    assert len(messages) == 300
    assert messages[-1].text.startswith("answer 149 ")


# -- deletion ----------------------------------------------------------------------------------


def test_deleting_a_conversation_removes_all_its_items_and_nothing_else(dynamodb):
    keep = conv.ConversationSession(store_for(dynamodb))
    keep.add_question("keep me")
    other_user = conv.ConversationSession(store_for(dynamodb, user="user-2"))
    other_user.add_question("theirs")
    doomed = conv.ConversationSession(store_for(dynamodb))
    for n in range(30):
        doomed.add_question(f"q{n}")
        doomed.add_answer("a" * 60_000)  # three parts: 4 items a turn, 1.8 MB in all
    counting = Counting(dynamodb)
    doomed.store.client = counting
    cid = doomed.conversation_id
    assert doomed.delete(cid)
    remaining = [i["sk"]["S"] for i in all_items(dynamodb)]
    assert not [sk for sk in remaining if sk.startswith(f"CONV#{cid}")]
    assert len(remaining) == 2  # keep's header and question
    assert [i["sk"]["S"] for i in all_items(dynamodb, "user-2")]
    assert counting.calls["query"] >= 2  # the keys came in more than one 1 MB page
    assert counting.calls["batch_write_item"] == 5  # 121 items, 25 a batch
    # The header goes last, so an interrupted delete still lists the conversation to delete again.
    last_batch = [r for op, r in counting.requests if op == "batch_write_item"][-1]
    assert last_batch["RequestItems"][TABLE][-1]["DeleteRequest"]["Key"]["sk"]["S"] == f"CONV#{cid}"
    assert [c.conversation_id for c in store_for(dynamodb).list_conversations()] == [keep.conversation_id]
    # The open conversation was the deleted one: the tab starts a new one.
    assert doomed.conversation_id != cid and doomed.messages == []


def test_unprocessed_items_of_a_batch_are_sent_again(dynamodb):
    store = store_for(dynamodb)
    session = conv.ConversationSession(store)
    session.add_question("q")
    real = Counting(dynamodb)

    class HalfProcessed:
        def __init__(self):
            self.first = True

        def __getattr__(self, operation):
            def call(**kwargs):
                if operation == "batch_write_item" and self.first:
                    self.first = False
                    requests = kwargs["RequestItems"][TABLE]
                    real.batch_write_item(RequestItems={TABLE: requests[:1]})
                    return {"UnprocessedItems": {TABLE: requests[1:]}}
                return getattr(real, operation)(**kwargs)
            return call

    store.client = HalfProcessed()
    assert session.delete(session.conversation_id)
    assert all_items(dynamodb) == []
    assert real.calls["batch_write_item"] == 2


# -- throttling and an unreachable store -------------------------------------------------------


@pytest.mark.parametrize("code", ["ProvisionedThroughputExceededException", "ThrottlingException"])
def test_throttled_writes_keep_the_chat_going_and_are_saved_in_order_later(dynamodb, code):
    client = Counting(dynamodb)
    session = conv.ConversationSession(store_for(client))
    session.add_question("saved first")
    session.add_answer("saved too")
    client.fail["put_item"] = [code]
    session.add_question("while throttled")
    assert session.notice == conv.NOTICE_THROTTLED
    assert [m.text for m in session.messages][-1] == "while throttled" and len(session.pending) == 1
    # What was saved before is still there.
    assert [m.text for m in store_for(dynamodb).load_messages(session.conversation_id)] == ["saved first", "saved too"]
    session.add_answer("after")
    assert session.notice is None and not session.pending
    assert [m.text for m in store_for(dynamodb).load_messages(session.conversation_id)] == ["saved first", "saved too", "while throttled", "after"]


def test_a_throttled_list_shows_the_notice_and_no_conversations(dynamodb):
    client = Counting(dynamodb, fail={"query": ["ThrottlingException"]})
    session = conv.ConversationSession(store_for(client))
    assert session.restore_latest() is False
    assert session.notice == conv.NOTICE_THROTTLED
    session.add_question("the chat goes on")
    assert session.notice is None


def test_an_unreachable_store_keeps_the_chat_in_memory(monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    client = boto3.client("dynamodb", region_name="eu-west-1", endpoint_url="http://127.0.0.1:9",
                          config=Config(connect_timeout=0.5, read_timeout=0.5, retries={"max_attempts": 1}))
    session = conv.ConversationSession(store_for(client))
    assert session.restore_latest() is False
    assert session.notice == conv.NOTICE_UNAVAILABLE
    session.add_question("hello?")
    session.add_answer("hi")
    assert [t["text"] for t in session.turns()] == ["hello?", "hi"]
    assert len(session.pending) == 2 and session.notice == conv.NOTICE_UNAVAILABLE
    assert session.delete(session.conversation_id) is False


def test_a_throttled_write_reaches_the_store_through_a_real_client_as_a_notice():
    client = boto3.client("dynamodb", region_name="eu-west-1", aws_access_key_id="a", aws_secret_access_key="b")
    with Stubber(client) as stub:
        stub.add_client_error("put_item", "ProvisionedThroughputExceededException", http_status_code=400)
        session = conv.ConversationSession(store_for(client))
        session.add_question("hi")
        assert session.notice == conv.NOTICE_THROTTLED
        stub.assert_no_pending_responses()


# -- identity ----------------------------------------------------------------------------------


def jwt(claims: dict) -> str:
    encode = lambda part: base64.urlsafe_b64encode(json.dumps(part).encode()).decode().rstrip("=")  # noqa: E731
    return f"{encode({'alg': 'RS256'})}.{encode(claims)}.c2ln"


def test_the_user_id_is_the_load_balancers_verified_subject_never_the_email():
    env = {"IDENTITY_SOURCE": "load-balancer"}
    headers = {"X-Amzn-Oidc-Identity": "sub-123", "x-amzn-oidc-data": jwt({"email": "a@example.com", "sub": "sub-123"})}
    assert identity.verified_user_id(headers, env) == "sub-123"
    assert identity.verified_user_id(headers, {}) == "sub-123"  # the default source
    assert identity.verified_user_id({"x-amzn-oidc-data": jwt({"email": "a@example.com"})}, env) is None
    # A bearer token is not the load balancer's word.
    assert identity.verified_user_id({"authorization": "Bearer " + jwt({"sub": "x"})}, env) is None


def test_behind_the_http_api_the_user_id_is_the_sub_of_the_validated_jwt_and_forged_alb_headers_are_ignored():
    env = {"IDENTITY_SOURCE": "api-gateway-jwt"}
    assert identity.verified_user_id({"Authorization": "Bearer " + jwt({"sub": "api-user"})}, env) == "api-user"
    assert identity.verified_user_id({"x-amzn-oidc-identity": "victim"}, env) is None
    assert identity.verified_user_id({"Authorization": "Basic abc"}, env) is None
    assert identity.verified_user_id({"Authorization": "Bearer not-a-jwt"}, env) is None


def test_an_unknown_identity_source_or_an_oversized_id_trusts_nothing():
    assert identity.verified_user_id({"x-amzn-oidc-identity": "sub"}, {"IDENTITY_SOURCE": "cookie"}) is None
    assert identity.verified_user_id({"x-amzn-oidc-identity": "s" * 513}, {}) is None
    assert identity.verified_user_id(None, {}) is None


def test_without_a_verified_identity_there_is_no_store_and_no_call_just_memory_and_a_notice():
    made = []
    env = {"CONVERSATIONS_TABLE": TABLE}
    assert conv.store_from_environment(lambda: made.append(1), None, env) is None
    assert made == []
    session = conv.ConversationSession(None, identified=False)
    assert session.notice == conv.NOTICE_NO_IDENTITY
    session.add_question("hi")
    session.add_answer("hello")
    assert [t["text"] for t in session.turns()] == ["hi", "hello"]
    assert session.conversations() == [] and session.restore_latest() is False
    assert not session.persistent


def test_the_store_needs_a_user_and_a_table():
    with pytest.raises(ValueError):
        conv.ConversationStore(object(), TABLE, "")
    assert conv.store_from_environment(lambda: object(), "sub", {}) is None
    store = conv.store_from_environment(lambda: object(), "sub", {"CONVERSATIONS_TABLE": TABLE, "CONVERSATIONS_RETENTION_DAYS": "30"})
    assert (store.table, store.user_id, store.retention_days) == (TABLE, "sub", 30)


def test_each_user_sees_only_their_own_conversations(dynamodb):
    conv.ConversationSession(store_for(dynamodb, user="user-1")).add_question("mine")
    assert store_for(dynamodb, user="user-2").list_conversations() == []
    other = conv.ConversationSession(store_for(dynamodb, user="user-2"))
    assert other.restore_latest() is False
    # Another user's conversation id opens nothing: every key begins with the caller's id.
    cid = store_for(dynamodb, user="user-1").list_conversations()[0].conversation_id
    assert other.open(cid) and other.messages == []
    assert other.delete(cid)
    assert len(store_for(dynamodb, user="user-1").list_conversations()) == 1


def test_two_tabs_of_one_user_never_overwrite_each_others_messages(dynamodb):
    tab_a = conv.ConversationSession(store_for(dynamodb))
    tab_a.add_question("from A")
    tab_b = conv.ConversationSession(store_for(dynamodb))
    tab_b.restore_latest()
    tab_a.add_answer("answer in A")
    tab_b.add_question("from B")  # B's next number was taken by A meanwhile
    assert not tab_b.pending and tab_b.notice is None
    texts = [m.text for m in store_for(dynamodb).load_messages(tab_a.conversation_id)]
    assert texts == ["from A", "answer in A", "from B"]


# -- the page ----------------------------------------------------------------------------------


@pytest.fixture
def page(monkeypatch, dynamodb, bedrock_stub):
    """The Streamlit page with the store on, for a verified user-1 (AppTest sends no headers)."""
    import streamlit as st

    for name, value in {"AWS_REGION": "eu-west-1", "BEDROCK_MODEL_ID": "test-model", "CONVERSATIONS_TABLE": TABLE}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("CHATBOT_CONFIG", raising=False)
    monkeypatch.setattr(identity, "verified_user_id", lambda headers, environ: "user-1")
    monkeypatch.setattr(boto3, "client", lambda service, **kwargs: bedrock_stub.client if service == "bedrock-runtime" else dynamodb)
    st.cache_resource.clear()
    yield bedrock_stub
    st.cache_resource.clear()


def test_the_page_saves_each_turn_and_a_new_session_restores_it_with_the_widget_keys(page, dynamodb):
    from pathlib import Path

    from conftest import text_events
    from streamlit.testing.v1 import AppTest

    app = str(Path(__file__).resolve().parent.parent / "app.py")
    page.add_stream(text_events("Paris."))
    first = AppTest.from_file(app).run()
    assert not first.exception
    first.chat_input[0].set_value("Capital of France?").run()
    assert not first.exception and not first.error
    [saved] = store_for(dynamodb).list_conversations()
    assert saved.title == "Capital of France?"
    # Listed in the sidebar by the same run that saved its first turn, not only after the next one.
    assert {f"open_{saved.conversation_id}", f"delete_{saved.conversation_id}"} <= {b.key for b in first.sidebar.button}
    assert [b.label for b in first.sidebar.button if b.key == f"open_{saved.conversation_id}"] == ["**Capital of France?**"]

    # A new session (another tab, or a reconnect to another task) shows the conversation again.
    second = AppTest.from_file(app).run()
    assert not second.exception
    assert second.session_state["history"] == [{"role": "user", "text": "Capital of France?"}, {"role": "assistant", "text": "Paris."}]
    keys = {b.key for b in second.sidebar.button}
    assert {"new_conversation", f"open_{saved.conversation_id}", f"delete_{saved.conversation_id}"} <= keys

    second.sidebar.button(key="new_conversation").click().run()
    assert second.session_state["history"] == []
    second.sidebar.button(key=f"open_{saved.conversation_id}").click().run()
    assert len(second.session_state["history"]) == 2
    second.sidebar.button(key=f"delete_{saved.conversation_id}").click().run()
    assert not second.exception
    assert second.session_state["history"] == []
    assert store_for(dynamodb).list_conversations() == [] and all_items(dynamodb) == []
    assert f"open_{saved.conversation_id}" not in {b.key for b in second.sidebar.button}


def test_the_page_without_a_verified_user_keeps_the_chat_in_memory_and_says_so(page, dynamodb, monkeypatch):
    from pathlib import Path

    from conftest import text_events
    from streamlit.testing.v1 import AppTest

    monkeypatch.setattr(identity, "verified_user_id", lambda headers, environ: None)
    app = str(Path(__file__).resolve().parent.parent / "app.py")
    page.add_stream(text_events("Hello."))
    at = AppTest.from_file(app).run()
    assert [i.value for i in at.info] == [conv.NOTICE_NO_IDENTITY]
    at.chat_input[0].set_value("Hi?").run()
    assert not at.exception
    assert at.session_state["history"] == [{"role": "user", "text": "Hi?"}, {"role": "assistant", "text": "Hello."}]
    assert all_items(dynamodb, "unknown") == [] and dynamodb.scan(TableName=TABLE)["Items"] == []
    assert not [b.key for b in at.sidebar.button if b.key and b.key.startswith(("open_", "delete_"))]
