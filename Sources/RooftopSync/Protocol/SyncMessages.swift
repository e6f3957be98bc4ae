import RooftopReplication
import RooftopStore
import RooftopWire

/// The sync exchange between a rooftop and the hub, over HTTPS with mutual TLS.
/// See `sync-protocol/sync-exchange.md` for the walk-through.
public enum SyncProtocol {
    /// Path prefix of every hub endpoint; the `v1` changes only with an incompatible exchange.
    public static let prefix = "/sync/v1"
    /// One changeset: a single zstd frame (`sync-protocol/changeset-format.md`).
    public static let changesetMediaType = "application/vnd.rooftop.changeset+zstd"
    /// Zero or more changesets: concatenated zstd frames.
    public static let changesetsMediaType = "application/vnd.rooftop.changesets+zstd"
    /// Response header of a pull: `true` when the hub holds more changes than it sent.
    public static let moreHeader = "Rooftop-More"
    /// Response header of a pull: how many changes the hub still holds for the caller beyond
    /// this answer (for a progress bar while bootstrapping).
    public static let remainingHeader = "Rooftop-Remaining"
    /// Response header of a final pull answer (`Rooftop-More: false`): the hub's version vector
    /// as JSON. The rooftop then holds everything the hub still has up to it, so it may advance
    /// its own vector to it (changes compacted away at the hub are not waited for).
    public static let vectorHeader = "Rooftop-Vector"
    /// The hub's snapshot: one zstd frame holding an SQLite replica file.
    public static let snapshotMediaType = "application/vnd.rooftop.snapshot+zstd"
    /// Response header of a snapshot: the decompressed SQLite file's size in bytes.
    public static let snapshotSizeHeader = "Rooftop-Snapshot-Size"
    /// Largest accepted push body (compressed), in bytes: 16 MiB.
    public static let maxPushBytes = 16 << 20
    /// A pull answer stops adding frames once their decompressed payloads reach this many bytes
    /// (32 MiB) and sets `Rooftop-More`; with frames of at most ``maxFramePayloadBytes`` an answer
    /// carries at most 40 MiB of payload.
    public static let maxPullBytes = 32 << 20
    /// Most changes per pushed or pulled changeset (the client also halves a batch whose frame
    /// exceeds half of ``maxPushBytes``).
    public static let changesPerChangeset = ChangesetCodec.maxChangesPerFrame
    /// Most decompressed payload bytes per pushed or pulled changeset: 8 MiB, far below every
    /// decoder's 64 MiB limit, so that any sequence of valid writes syncs.
    public static let maxFramePayloadBytes = ChangesetCodec.maxFramePayloadBytes
}

/// `GET /sync/v1/hello`: who the hub is, its clock and what it has seen.
public struct HubHello: Codable, Sendable, Equatable {
    /// The rooftop the hub recognised from the client certificate.
    public var rooftop: RooftopID
    /// The hub's CRM schema version.
    public var schemaVersion: UInt16
    /// The newest changeset format the hub reads.
    public var formatVersion: UInt16
    /// The hub's wall clock when it answered, Unix ms.
    public var serverTimeMs: UInt64
    /// Origin → greatest HLC the hub holds (the push cursor is the caller's own entry).
    public var versionVector: VersionVector
    /// Origin → newest change dropped by compaction: a rooftop below it for any origin (and not
    /// bootstrapping) is `BEYOND_RETENTION` and must re-bootstrap.
    public var retentionFloor: VersionVector?
    /// HLCs (raw 64-bit values) of the caller's pushed changes the hub ignored because their row was
    /// purged, after the request's `ignoredAfter` (absent when none): the rooftop queues them for review
    /// even when the push's own answer (``PushResult/ignoredChanges``) was lost.
    public var ignoredChanges: [UInt64]?

    public init(rooftop: RooftopID, schemaVersion: UInt16, formatVersion: UInt16, serverTimeMs: UInt64, versionVector: VersionVector,
                retentionFloor: VersionVector? = nil, ignoredChanges: [UInt64]? = nil) {
        self.rooftop = rooftop
        self.schemaVersion = schemaVersion
        self.formatVersion = formatVersion
        self.serverTimeMs = serverTimeMs
        self.versionVector = versionVector
        self.retentionFloor = retentionFloor
        self.ignoredChanges = ignoredChanges
    }
}

/// `POST /sync/v1/changesets` answer: what the hub applied.
public struct PushResult: Codable, Sendable, Equatable {
    public var applied: Int
    public var alreadyApplied: Int
    /// The hub's version vector after the apply.
    public var versionVector: VersionVector
    /// Of `applied`, changes the hub ignored because their row was purged after the retention horizon
    /// (absent when none, and from hubs before this field). A rooftop within retention never sends
    /// one: the hub's log and the convergence soak flag it.
    public var ignored: Int?
    /// Their HLCs (raw 64-bit values): the pushing rooftop puts those changes in its review queue, so
    /// they are never dropped without a trace.
    public var ignoredChanges: [UInt64]?

    public init(applied: Int, alreadyApplied: Int, versionVector: VersionVector, ignored: Int? = nil, ignoredChanges: [UInt64]? = nil) {
        self.applied = applied
        self.alreadyApplied = alreadyApplied
        self.versionVector = versionVector
        self.ignored = ignored
        self.ignoredChanges = ignoredChanges
    }
}

/// `GET /sync/v1/verify`: the hub's digests and the version vector they reflect.
public struct HubDigests: Codable, Sendable, Equatable {
    public var versionVector: VersionVector
    public var tables: [TableDigest]
}

/// `POST /sync/v1/pull` request: what the rooftop has seen.
public struct PullRequest: Codable, Sendable, Equatable {
    /// Where to continue from: the hub answers the changes after it, origin by origin.
    public var versionVector: VersionVector
    /// Most changes to return in this response (the rest on the next pull).
    public var maxChanges: Int
    /// True while the rooftop has never completed a sync (a bootstrap, possibly resumed): it holds
    /// only what the hub sent, so retention does not apply to it.
    public var bootstrapping: Bool?
    /// What the rooftop has committed, when that is behind ``versionVector`` (it asks for the
    /// next page while it still applies the previous one). The hub records this, not
    /// ``versionVector``, as the rooftop's progress (erasure acknowledgements). Absent: the same
    /// as ``versionVector``.
    public var appliedVector: VersionVector?

    public init(versionVector: VersionVector, maxChanges: Int, bootstrapping: Bool? = nil, appliedVector: VersionVector? = nil) {
        self.versionVector = versionVector
        self.maxChanges = maxChanges
        self.bootstrapping = bootstrapping
        self.appliedVector = appliedVector
    }
}
