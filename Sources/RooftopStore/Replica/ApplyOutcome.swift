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
    /// Of the changes applied now, those ignored because their row (or its parent) was purged after
    /// the retention horizon (not kept). A rooftop within retention never sends one: the convergence
    /// soak counts them as lost edits. (Changes about an erased customer are dropped by design.)
    public var ignored: Int = 0
    /// The HLCs of those ignored changes.
    public var ignoredChanges: [HLC] = []

    /// True when every change in the changeset had been applied before.
    public var wasAlreadyApplied: Bool { applied == 0 && alreadyApplied > 0 }
}
