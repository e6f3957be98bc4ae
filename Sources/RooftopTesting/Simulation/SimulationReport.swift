/// The outcome of one simulated run.
public struct SimulationReport: Sendable, CustomStringConvertible {
    public let seed: UInt64
    /// Operations performed (writes, syncs, faults).
    public var steps = 0
    /// Local writes that committed, and those refused (a deleted customer, a clock far ahead, ...).
    public var localWrites = 0
    public var refusedWrites = 0
    /// Syncs run by the product's sync client, and those that failed (network, CLOCK_SKEW, ...).
    public var syncs = 0
    public var failedSyncs = 0
    /// Stale pushed frames delivered to the hub again.
    public var duplicates = 0
    public var crashes = 0
    /// Episodes of a rooftop clock set years ahead, and unsent changes re-stamped after them.
    public var clockEpisodes = 0
    public var restamped = 0
    /// Re-bootstraps after BEYOND_RETENTION, and unsent changes that went to a review queue.
    public var rebootstraps = 0
    public var reviewItems = 0
    /// Hub compactions (some run concurrently with each other and with a sync) and rows they purged.
    public var compactions = 0
    public var purged = 0
    /// Changesets of a newer schema pushed by a simulated newer release.
    public var newerSchemaPushes = 0
    public var conflicts = 0
    /// CRM writes beyond customers (segment members, campaign executions, survey answers, stage changes, rewards, follow-ups).
    public var crmWrites = 0
    /// Duplicate merges and unmerges written (each one a replicated customerMerge record or its undo),
    /// and the customers absorbed in the converged replicas.
    public var merges = 0
    public var unmerges = 0
    public var absorbed = 0
    /// Outbox messages in the converged replicas (one per campaign and customer).
    public var outboxMessages = 0
    /// Local edits accounted for at the end (delivered to the hub, in a review queue, or erased).
    public var editsAccounted = 0
    /// Empty when every replica converged and every invariant held.
    public var failures: [String] = []

    public var passed: Bool { failures.isEmpty }

    public var description: String {
        "seed \(seed): \(passed ? "ok" : "FAILED") — \(steps) steps, \(localWrites) writes (\(refusedWrites) refused), \(syncs) syncs "
            + "(\(failedSyncs) failed), \(duplicates) stale duplicates, \(crashes) crashes, \(clockEpisodes) clock episodes "
            + "(\(restamped) re-stamped), \(rebootstraps) re-bootstraps (\(reviewItems) reviewed), \(compactions) compactions "
            + "(\(purged) purged), \(newerSchemaPushes) newer-schema pushes, \(conflicts) conflicts, \(crmWrites) CRM writes (\(outboxMessages) outbox messages), "
            + "\(merges) merges and \(unmerges) unmerges (\(absorbed) customers absorbed at the end), \(editsAccounted) edits accounted for"
            + (passed ? "" : "\n  " + failures.joined(separator: "\n  "))
    }
}
