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

    /// True when every change in the changeset had been applied before.
    public var wasAlreadyApplied: Bool { applied == 0 && alreadyApplied > 0 }
}
