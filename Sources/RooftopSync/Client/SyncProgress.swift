/// Progress of a pull (a bootstrap is a long one), reported after each applied changeset.
public struct SyncProgress: Sendable, Equatable {
    /// Changes received so far in this sync.
    public var pulled: Int
    /// Changes the hub still holds beyond the current answer (from `Rooftop-Remaining`).
    public var remaining: Int

    public init(pulled: Int, remaining: Int) {
        self.pulled = pulled
        self.remaining = remaining
    }

    /// `pulled / (pulled + remaining)`, 0...1.
    public var fraction: Double { pulled + remaining == 0 ? 1 : Double(pulled) / Double(pulled + remaining) }
}
