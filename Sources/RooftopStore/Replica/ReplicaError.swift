import GRDB
/// An operation on the replica failed. Nothing was written.
///
/// Codes are open-ended: compare ``code`` with the static members. Messages never include
/// field values (personal data).
public struct ReplicaError: Error, Sendable, Equatable, CustomStringConvertible {
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        /// No visible row has that id.
        public static let notFound = Code(rawValue: "NOT_FOUND")
        /// The row existed and is no longer available: deleted (restorable), erased, or purged
        /// after the retention horizon; or its parent is (a child of a deleted customer).
        public static let gone = Code(rawValue: "GONE")
        /// Another process or task holds what this operation needs (a compaction already running).
        public static let busy = Code(rawValue: "BUSY")
        /// This computer's clock is more than the max drift ahead of the hub's: local writes are
        /// refused until it is set right (`sync-protocol/hlc.md#a-clock-far-ahead`).
        public static let clockSkew = Code(rawValue: "CLOCK_SKEW")
        /// A row with that id already exists.
        public static let alreadyExists = Code(rawValue: "ALREADY_EXISTS")
        /// The replica file belongs to another rooftop, or a changeset claims this replica's origin.
        public static let wrongRooftop = Code(rawValue: "WRONG_ROOFTOP")
        /// A changeset names a table or field this release does not know, or a value of the wrong type.
        public static let unknownSchema = Code(rawValue: "UNKNOWN_SCHEMA")
        /// Stored replication metadata cannot be read.
        public static let corrupt = Code(rawValue: "CORRUPT")
        /// The replica file was migrated by a newer Rooftop release, whose storage this release would write
        /// wrong (see ``Replica/init(path:rooftop:wallClock:maxDriftMilliseconds:)``).
        public static let newerRelease = Code(rawValue: "NEWER_RELEASE")
        /// A value or reference is invalid (for example a child of a missing customer).
        public static let invalid = Code(rawValue: "INVALID")
        /// The row changed since the caller read it (its entity tag no longer matches).
        public static let preconditionFailed = Code(rawValue: "PRECONDITION_FAILED")
        /// A changeset carries a delete whose context predates the hub's retention floor: it could make
        /// edits lose whose superseded values were compacted away. The sender refreshes it and pushes
        /// again (`sync-protocol/merge-rules.md#retention`).
        public static let staleDelete = Code(rawValue: "STALE_DELETE")
        /// The request conflicts with the record's state (restore of a live record, a campaign
        /// status change the lifecycle does not allow).
        public static let conflict = Code(rawValue: "CONFLICT")
        /// A redemption larger than the loyalty balance.
        public static let insufficientPoints = Code(rawValue: "INSUFFICIENT_POINTS")
        public var description: String { rawValue }
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}

extension ReplicaError {
    /// True when `error` says the replica's write lock was held by another connection past the
    /// busy timeout (10 s): ``ReplicaError`` `BUSY`, or SQLite's `SQLITE_BUSY` / `SQLITE_LOCKED`
    /// as GRDB throws them. The work can be tried again later; nothing about its input is wrong.
    public static func isBusy(_ error: any Error) -> Bool {
        if let error = error as? ReplicaError { return error.code == .busy }
        if let error = error as? DatabaseError { return error.resultCode == .SQLITE_BUSY || error.resultCode == .SQLITE_LOCKED }
        return false
    }
}
