// The durable, gap-free event journal. Kept behind this small interface so that a later
// bridge (NATS JetStream) can sit beside it without touching the model.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <optional>
#include <vector>

#include "bcp/model/events.hpp"

namespace bcp::daemon {

// Opening failed (corrupt, foreign or newer-schema file) or a commit failed.
class JournalError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// One staff member's imported calendar, kept as the .ics text it came in.
struct StoredCalendar {
  std::string staff;
  std::string ics;
  model::TimePoint imported{};
};

// One message the LINE WORKS bot is to send (the outbox, outbox/outbox.hpp): journaled before it
// is handed to the API client, marked when LINE WORKS answered 201 or it was given up.
enum class OutboxState { queued, sent, failed, skipped };
struct OutboxRow {
  std::int64_t id = 0;   // assigned when added
  std::string key;       // unique: a step planned twice for the same person is added once
  std::string rollcall;  // empty for messages of no roll call
  std::string staff;     // staff id for a person's 1:1 room, empty for a room
  std::string step;      // question | reminder | reply | announce
  std::string recipient_kind;  // user | channel
  std::string recipient;       // LINE WORKS userId or channelId
  std::string content;         // the content object as JSON text
  model::TimePoint created{};
  int priority = 1;  // lower goes first (0: a reply to someone's own answer)
};
struct OutboxOutcome {
  std::int64_t id = 0;
  OutboxState state = OutboxState::sent;
  int attempts = 0;
  std::string error;  // why it failed or was skipped; never content
  model::TimePoint finished{};
};

// One talk photo to fetch from LINE WORKS (photos/photo_fetcher.hpp): stored when the callback
// is taken, marked when the photo is kept (its ref journaled as talk.photo) or given up, so a
// restart resumes what is still pending. file_id is LINE WORKS's handle of the file: it stays in
// this table, never in an event.
enum class PhotoJobState { pending, done, failed };
struct PhotoJob {
  std::int64_t id = 0;  // assigned when added
  std::string group;
  std::string message_id;
  int attachment = 0;  // index into the message's attachments
  std::string file_id;
  model::TimePoint created{};
  int failures = 0;  // fetches that failed so far
};

// A start-up snapshot (pipeline/snapshots.hpp): the state a replay of the journal up to `seq`
// rebuilds, so that a start replays only the events after it. `body` is the snapshot's own
// encoding (format `format`); the journal stores it and never reads into it.
struct StoredSnapshot {
  model::Seq seq = 0;
  int format = 0;
  std::string body;
  model::TimePoint taken{};
};

class Journal {
 public:
  virtual ~Journal() = default;
  // Assigns consecutive seqs (last_seq()+1, ...) to `events`, sets their `received` if
  // unset, and commits them durably in ONE transaction. On return every event is on disk.
  // Throws JournalError and assigns nothing when the commit fails.
  virtual void append(std::vector<model::Event>& events) = 0;
  // Events with seq > since, in seq order, at most `limit`.
  virtual std::vector<model::Event> read(model::Seq since, std::size_t limit) const = 0;
  virtual model::Seq last_seq() const = 0;

  // Staff calendars live in the same file as the events, so one backup holds both. Not
  // events themselves: a calendar is re-read state, the availability derived from it is
  // journaled as events. put_calendar replaces the person's calendar and is durable on
  // return (throws JournalError otherwise); the defaults are for journals without them.
  virtual void put_calendar(const StoredCalendar& calendar);
  virtual std::vector<StoredCalendar> calendars() const { return {}; }

  // The bot's outbox lives in the same file too: a distribution survives a restart. Both
  // writes are durable on return (throw JournalError otherwise). add_to_outbox stores the rows
  // whose key is new, in one transaction, and returns those (with their ids); rows whose key
  // is already there, in any state, are left out. The defaults are for journals without it.
  virtual std::vector<OutboxRow> add_to_outbox(std::vector<OutboxRow> rows);
  virtual void finish_in_outbox(const std::vector<OutboxOutcome>& outcomes);
  // Every row still queued, in id order (a restart resumes them).
  virtual std::vector<OutboxRow> queued_in_outbox() const { return {}; }

  // Talk photos to fetch, in the same file. Durable on return (JournalError otherwise).
  // add_photo_job returns the job with its id, or nullopt when that attachment of that message
  // is already there (in any state). `note` is the ref when done, why when failed.
  virtual std::optional<PhotoJob> add_photo_job(PhotoJob job);
  virtual void update_photo_job(std::int64_t id, PhotoJobState state, int failures,
                                const std::string& note);
  // Every job still pending, in id order.
  virtual std::vector<PhotoJob> pending_photo_jobs() const { return {}; }

  // Start-up snapshots, in the same file (one backup holds them with the events they stand
  // for). put_snapshot stores one (replacing one at the same seq) and keeps only the `keep`
  // newest, in one transaction, durable on return (JournalError otherwise). snapshots() are
  // the stored ones, newest first. The defaults are for journals without them.
  virtual void put_snapshot(const StoredSnapshot& snapshot, std::size_t keep);
  virtual std::vector<StoredSnapshot> snapshots() const { return {}; }

  // The whole-file integrity check that opening leaves out, so that a start takes the same
  // time however long the journal is (opening checks every other table and the events
  // table's first and last rows). Started once, after the start (the daemon's run()), on a
  // thread and a read connection of its own; a damaged page is logged as an error. The
  // defaults are for journals without it.
  enum class Check { not_started, running, ok, corrupt };
  virtual void start_full_check() {}
  virtual Check full_check() const { return Check::ok; }
};

// SQLite, WAL, synchronous=FULL, one file `<dir>/journal.sqlite3`. Schema version kept in
// PRAGMA user_version with one migration per step. Throws JournalError with a clear
// message for a corrupt, foreign or newer-schema file; never silently starts empty. What it
// checks at open is bounded (start_full_check does the rest).
std::unique_ptr<Journal> open_sqlite_journal(const std::filesystem::path& file);

}  // namespace bcp::daemon
