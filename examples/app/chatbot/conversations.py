"""Each user's conversations in DynamoDB, so that they outlive the task that served them.

The table is the one ``ChatbotConversations`` creates (``CONVERSATIONS_TABLE``):

* partition key ``userId``: the verified user id (``identity.verified_user_id``), never anything
  the browser chooses;
* a header per conversation, sort key ``CONV#<id>``: ``title`` (from the first question),
  ``createdAt``, ``updatedAt`` (ISO 8601 UTC, the sort key of the local index ``byUpdatedAt``
  that lists a user's conversations newest first) and ``expiresAt``;
* an item per message part, sort key ``CONV#<id>#MSG#<seq:08d>#<part:03d>``: ``role``, ``text``,
  ``status`` (``ok``, ``failed``, ``blocked``), ``createdAt``, ``expiresAt``. A message longer than
  ``PART_CHARS`` characters (at most 100 KB in UTF-8) is cut into parts, so no item gets near
  DynamoDB's 400 KB limit however long a message or a conversation is.

``expiresAt`` is write time + ``CONVERSATIONS_RETENTION_DAYS`` (epoch seconds), DynamoDB's TTL.
Every call is a ``Query`` of one user's items, ``PutItem``, ``UpdateItem`` or ``BatchWriteItem``:
the actions the library grants, no ``Scan``.

``ConversationSession`` is what the page uses: the open conversation in memory, each message
saved as soon as it exists. When the store fails (unreachable, throttled, denied) the chat goes
on in memory with a one-line ``notice``; writes that failed are kept in order and retried with
the next one, and nothing already saved is touched.
"""

from __future__ import annotations

import logging
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Callable, Mapping, Optional

from botocore.exceptions import BotoCoreError, ClientError

LOG = logging.getLogger(__name__)

TABLE_VARIABLE = "CONVERSATIONS_TABLE"
RETENTION_VARIABLE = "CONVERSATIONS_RETENTION_DAYS"
DEFAULT_RETENTION_DAYS = 90
UPDATED_AT_INDEX = "byUpdatedAt"
# 25,000 characters are at most 100 KB in UTF-8 (4 bytes a character at worst).
PART_CHARS = 25_000
TITLE_CHARS = 80
# The sidebar lists this many conversations at most (every page of the index up to there).
LIST_LIMIT = 200
BATCH_SIZE = 25
THROTTLING_CODES = frozenset({"ProvisionedThroughputExceededException", "ThrottlingException", "RequestLimitExceeded"})

STATUS_OK = "ok"
STATUS_FAILED = "failed"
STATUS_BLOCKED = "blocked"

NOTICE_NO_IDENTITY = "No verified sign-in came with this request: this conversation is kept in this browser tab only."
NOTICE_UNAVAILABLE = "Conversation history is unavailable right now: new messages are kept in this tab and saved when it is back."
NOTICE_THROTTLED = "Conversation history is busy right now: new messages are kept in this tab and saved when it has room."


def header_key(conversation_id: str) -> str:
    return f"CONV#{conversation_id}"


def message_key(conversation_id: str, seq: int, part: int) -> str:
    return f"CONV#{conversation_id}#MSG#{seq:08d}#{part:03d}"


def split_text(text: str) -> list[str]:
    """``text`` in parts of at most ``PART_CHARS`` characters (one part for short or empty text)."""
    return [text[i:i + PART_CHARS] for i in range(0, len(text), PART_CHARS)] or [""]


def title_of(question: str) -> str:
    line = " ".join(question.split())
    return line if len(line) <= TITLE_CHARS else line[:TITLE_CHARS - 1] + "…"


def new_conversation_id() -> str:
    # 32 hex digits: fixed length (no id is a prefix of another) and safe in a widget key.
    return uuid.uuid4().hex


def is_conversation_id(value: str) -> bool:
    return len(value) == 32 and all(c in "0123456789abcdef" for c in value)


def is_throttling(err: Exception) -> bool:
    return isinstance(err, ClientError) and err.response.get("Error", {}).get("Code") in THROTTLING_CODES


@dataclass(frozen=True)
class ConversationSummary:
    conversation_id: str
    title: str
    updated_at: str


@dataclass
class Message:
    """One question or answer, as the page shows it."""

    role: str
    text: str
    status: str = STATUS_OK

    def as_turn(self) -> dict[str, Any]:
        turn: dict[str, Any] = {"role": self.role, "text": self.text}
        if self.role == "assistant" and self.status != STATUS_OK:
            turn["error"] = True
        return turn


class StoreError(Exception):
    """The store could not do what was asked; ``throttled`` says whether it was throttling."""

    def __init__(self, message: str, throttled: bool = False, code: str = "") -> None:
        super().__init__(message)
        self.throttled = throttled
        self.code = code


class ConversationStore:
    """One verified user's conversations in the table: every key begins with their user id."""

    def __init__(self, client: Any, table_name: str, user_id: str, retention_days: int = DEFAULT_RETENTION_DAYS,
                 clock: Callable[[], float] = time.time) -> None:
        if not user_id:
            raise ValueError("a conversation store needs a verified user id")
        self.client = client
        self.table = table_name
        self.user_id = user_id
        self.retention_days = retention_days
        self.clock = clock

    # -- reads -------------------------------------------------------------------------------

    def _query(self, **kwargs: Any):
        """Every item of a Query, page after page (each page stops at 1 MB)."""
        start: Optional[dict[str, Any]] = None
        while True:
            request = dict(kwargs, TableName=self.table)
            if start:
                request["ExclusiveStartKey"] = start
            page = self._call("query", **request)
            yield from page.get("Items", [])
            start = page.get("LastEvaluatedKey")
            if not start:
                return

    def list_conversations(self, limit: int = LIST_LIMIT) -> list[ConversationSummary]:
        """The user's conversations, the most recently active first."""
        found: list[ConversationSummary] = []
        for item in self._query(
            IndexName=UPDATED_AT_INDEX,
            KeyConditionExpression="userId = :u",
            ExpressionAttributeValues={":u": {"S": self.user_id}},
            ScanIndexForward=False,
        ):
            sk = item["sk"]["S"]
            conversation_id = sk[len("CONV#"):]
            if not sk.startswith("CONV#") or not is_conversation_id(conversation_id):
                continue
            found.append(ConversationSummary(conversation_id, item.get("title", {}).get("S", "Conversation"), item["updatedAt"]["S"]))
            if len(found) >= limit:
                break
        return found

    def load_messages(self, conversation_id: str) -> list[Message]:
        """The messages of one conversation in order, each rebuilt from its parts."""
        parts: dict[int, list[tuple[int, dict[str, Any]]]] = {}
        for item in self._query(
            KeyConditionExpression="userId = :u AND begins_with(sk, :p)",
            ExpressionAttributeValues={":u": {"S": self.user_id}, ":p": {"S": f"CONV#{conversation_id}#MSG#"}},
            ConsistentRead=True,
        ):
            fields = item["sk"]["S"].split("#")
            if len(fields) != 5:
                continue
            parts.setdefault(int(fields[3]), []).append((int(fields[4]), item))
        messages = []
        for seq in sorted(parts):
            pieces = sorted(parts[seq], key=lambda p: p[0])
            first = pieces[0][1]
            messages.append(Message(
                role=first.get("role", {}).get("S", "assistant"),
                text="".join(p[1].get("text", {}).get("S", "") for p in pieces),
                status=first.get("status", {}).get("S", STATUS_OK),
            ))
        return messages

    def last_seq(self, conversation_id: str) -> int:
        """The highest message number saved in the conversation, -1 for none."""
        page = self._call(
            "query", TableName=self.table, Limit=1, ScanIndexForward=False, ConsistentRead=True,
            KeyConditionExpression="userId = :u AND begins_with(sk, :p)",
            ExpressionAttributeValues={":u": {"S": self.user_id}, ":p": {"S": f"CONV#{conversation_id}#MSG#"}},
            ProjectionExpression="sk",
        )
        items = page.get("Items", [])
        return int(items[0]["sk"]["S"].split("#")[3]) if items else -1

    # -- writes ------------------------------------------------------------------------------

    def save_message(self, conversation_id: str, seq: int, message: Message, title: str) -> None:
        """Writes the message's parts, then stamps the conversation's header (created if new)."""
        now = self.clock()
        stamp = datetime.fromtimestamp(now, timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        expires = str(int(now) + self.retention_days * 86400)
        for part, text in enumerate(split_text(message.text)):
            # The first part claims the number: another tab of the same user may have taken it.
            claim = {"ConditionExpression": "attribute_not_exists(sk)"} if part == 0 else {}
            self._call("put_item", TableName=self.table, **claim, Item={
                "userId": {"S": self.user_id},
                "sk": {"S": message_key(conversation_id, seq, part)},
                "role": {"S": message.role},
                "text": {"S": text},
                "status": {"S": message.status},
                "createdAt": {"S": stamp},
                "expiresAt": {"N": expires},
            })
        self._call(
            "update_item", TableName=self.table,
            Key={"userId": {"S": self.user_id}, "sk": {"S": header_key(conversation_id)}},
            UpdateExpression="SET title = if_not_exists(title, :t), createdAt = if_not_exists(createdAt, :now), updatedAt = :now, expiresAt = :exp",
            ExpressionAttributeValues={":t": {"S": title_of(title)}, ":now": {"S": stamp}, ":exp": {"N": expires}},
        )

    def delete_conversation(self, conversation_id: str) -> int:
        """Deletes every item of the conversation, header last (a failed delete can be repeated)."""
        header = header_key(conversation_id)
        keys = [
            item["sk"]["S"]
            for item in self._query(
                KeyConditionExpression="userId = :u AND begins_with(sk, :p)",
                ExpressionAttributeValues={":u": {"S": self.user_id}, ":p": {"S": header}},
                ProjectionExpression="sk",
                ConsistentRead=True,
            )
            if item["sk"]["S"] == header or item["sk"]["S"].startswith(header + "#")
        ]
        keys.sort(key=lambda sk: sk == header)
        for start in range(0, len(keys), BATCH_SIZE):
            self._batch_delete(keys[start:start + BATCH_SIZE])
        return len(keys)

    def _batch_delete(self, sort_keys: list[str]) -> None:
        requests = [{"DeleteRequest": {"Key": {"userId": {"S": self.user_id}, "sk": {"S": sk}}}} for sk in sort_keys]
        for attempt in range(6):
            answer = self._call("batch_write_item", RequestItems={self.table: requests})
            requests = answer.get("UnprocessedItems", {}).get(self.table, [])
            if not requests:
                return
            time.sleep(min(0.05 * 2 ** attempt, 1.0))
        raise StoreError(f"{len(requests)} items were left unprocessed", throttled=True)

    def _call(self, operation: str, **kwargs: Any) -> dict[str, Any]:
        try:
            return getattr(self.client, operation)(**kwargs)
        except (ClientError, BotoCoreError) as err:
            code = err.response.get("Error", {}).get("Code", "") if isinstance(err, ClientError) else type(err).__name__
            LOG.warning("conversation store %s failed: %s %s", operation, code, err)
            raise StoreError(f"{operation} failed: {code}", throttled=is_throttling(err), code=code) from err


def store_from_environment(client_factory: Callable[[], Any], user_id: Optional[str], environ: Mapping[str, str]) -> Optional[ConversationStore]:
    """The user's store, or None when the table is not configured or the user is not verified."""
    table = (environ.get(TABLE_VARIABLE) or "").strip()
    if not table or not user_id:
        return None
    try:
        retention = int(environ.get(RETENTION_VARIABLE) or DEFAULT_RETENTION_DAYS)
    except ValueError:
        retention = DEFAULT_RETENTION_DAYS
    return ConversationStore(client_factory(), table, user_id, max(1, retention))


@dataclass
class _PendingWrite:
    conversation_id: str
    seq: int
    message: Message
    title: str


@dataclass
class ConversationSession:
    """The conversation a browser tab shows, saved message by message when there is a store."""

    store: Optional[ConversationStore]
    identified: bool = True
    conversation_id: str = field(default_factory=new_conversation_id)
    messages: list[Message] = field(default_factory=list)
    notice: Optional[str] = None
    pending: list[_PendingWrite] = field(default_factory=list)
    _next_seq: int = 0

    def __post_init__(self) -> None:
        if not self.identified:
            self.notice = NOTICE_NO_IDENTITY

    @property
    def persistent(self) -> bool:
        return self.store is not None

    def _failed(self, err: StoreError) -> None:
        self.notice = NOTICE_THROTTLED if err.throttled else NOTICE_UNAVAILABLE

    def _recovered(self) -> None:
        if self.identified:
            self.notice = None

    # -- what the page shows ----------------------------------------------------------------

    def turns(self) -> list[dict[str, Any]]:
        """The messages as the page and Converse want them: a question without an answer is ``failed``."""
        turns = [m.as_turn() for m in self.messages]
        for i, turn in enumerate(turns):
            if turn["role"] == "user":
                answer = turns[i + 1] if i + 1 < len(turns) else None
                if answer is None or answer["role"] != "assistant" or answer.get("error"):
                    turn["failed"] = True
        return turns

    def conversations(self) -> list[ConversationSummary]:
        """The user's saved conversations, newest first; empty when the store cannot answer."""
        if not self.store:
            return []
        try:
            found = self.store.list_conversations()
        except StoreError as err:
            self._failed(err)
            return []
        return found

    # -- what the user does -----------------------------------------------------------------

    def restore_latest(self) -> bool:
        """Opens the most recently active conversation, when there is one."""
        latest = self.conversations()[:1]
        return self.open(latest[0].conversation_id) if latest else False

    def open(self, conversation_id: str) -> bool:
        if not self.store or not is_conversation_id(conversation_id):
            return False
        self.flush()
        try:
            messages = self.store.load_messages(conversation_id)
            last = self.store.last_seq(conversation_id)
        except StoreError as err:
            self._failed(err)
            return False
        self.conversation_id = conversation_id
        self.messages = messages
        self._next_seq = last + 1
        self._recovered()
        return True

    def start_new(self) -> None:
        self.flush()
        self.conversation_id = new_conversation_id()
        self.messages = []
        self._next_seq = 0

    def delete(self, conversation_id: str) -> bool:
        if not self.store or not is_conversation_id(conversation_id):
            return False
        # Writes still waiting for this conversation would bring it back.
        self.pending = [p for p in self.pending if p.conversation_id != conversation_id]
        try:
            self.store.delete_conversation(conversation_id)
        except StoreError as err:
            self._failed(err)
            return False
        if conversation_id == self.conversation_id:
            self.start_new()
        return True

    def add_question(self, text: str) -> Message:
        return self._add(Message("user", text))

    def add_answer(self, text: str, status: str = STATUS_OK) -> Message:
        return self._add(Message("assistant", text, status))

    def _add(self, message: Message) -> Message:
        self.messages.append(message)
        if self.store:
            first = next((m.text for m in self.messages if m.role == "user"), message.text)
            self.pending.append(_PendingWrite(self.conversation_id, self._next_seq, message, first))
            self._next_seq += 1
            self.flush()
        return message

    def _renumber(self, conversation_id: str) -> bool:
        """Moves this conversation's pending messages after the last one saved (by another tab)."""
        try:
            seq = self.store.last_seq(conversation_id) + 1
        except StoreError:
            return False
        for write in self.pending:
            if write.conversation_id == conversation_id:
                write.seq = seq
                seq += 1
        if conversation_id == self.conversation_id:
            self._next_seq = seq
        return True

    def flush(self) -> bool:
        """Writes the pending messages in order; stops at the first failure and keeps the rest."""
        if not self.store:
            return True
        conflicts = 0
        while self.pending:
            write = self.pending[0]
            try:
                self.store.save_message(write.conversation_id, write.seq, write.message, write.title)
            except StoreError as err:
                if err.code == "ConditionalCheckFailedException" and conflicts < 3 and self._renumber(write.conversation_id):
                    conflicts += 1
                    continue
                self._failed(err)
                return False
            self.pending.pop(0)
        self._recovered()
        return True
