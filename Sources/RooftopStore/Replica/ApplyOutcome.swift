import RooftopReplication

/// What applying a changeset did.
public struct ApplyOutcome: Sendable, Equatable {
    /// The changeset's origin.
    public let origin: RooftopID
    /// Changes applied now (new to this replica).
    public let applied: Int
    /// Changes skipped because this replica had already applied them (idempotent apply).
    public let alreadyApplied: Int
    /// Field values that won their LWW register and were written.
    public let fieldsWritten: Int
    /// HLCs of the changes applied now that were ignored because their row (or its parent) was
    /// purged after the retention horizon (not kept; the hub names them to their rooftop, which
    /// queues them for review). Changes about an erased customer are dropped by design, not listed.
    public var ignoredChanges: [HLC] = []
    /// How many were ignored (`ignoredChanges.count`).
    public var ignored: Int { ignoredChanges.count }

    /// True when every change in the changeset had been applied before.
    public var wasAlreadyApplied: Bool { applied == 0 && alreadyApplied > 0 }
}
