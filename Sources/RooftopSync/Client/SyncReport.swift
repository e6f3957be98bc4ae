/// What one sync (push then pull) did.
public struct SyncReport: Sendable, Equatable, Codable {
    /// Local changes the hub accepted now.
    public var pushed: Int
    /// Changes received from the hub (other rooftops' changes).
    public var pulled: Int
    /// Of those, changes that were new here.
    public var applied: Int
    /// Estimated hub clock minus local clock, in ms (positive: the hub is ahead).
    public var clockOffsetMs: Int64
    /// Wall time the sync took, in ms.
    public var durationMs: UInt64
    /// The changeset frames sent and received, when the caller asked to keep them.
    public var frames: [[UInt8]]
    /// Bytes of the hub's snapshot received in this sync (0 when the rooftop did not bootstrap
    /// from a snapshot; a resumed download counts only the rest). Its changes count in ``pulled``.
    public var snapshotBytes: Int = 0
    /// Bytes of the snapshot kept from an earlier, interrupted download (not downloaded again).
    public var snapshotResumedBytes: Int = 0
    /// Unsent changes given new HLCs because this rooftop's clock had run far ahead and is right
    /// again (`sync-protocol/hlc.md#a-clock-far-ahead`).
    public var restamped: Int = 0
    /// Pushed changes the hub ignored because their row had been purged, put in the review queue.
    public var queuedForReview: Int = 0

    public init(pushed: Int = 0, pulled: Int = 0, applied: Int = 0, clockOffsetMs: Int64 = 0, durationMs: UInt64 = 0, frames: [[UInt8]] = []) {
        self.pushed = pushed
        self.pulled = pulled
        self.applied = applied
        self.clockOffsetMs = clockOffsetMs
        self.durationMs = durationMs
        self.frames = frames
    }
}
