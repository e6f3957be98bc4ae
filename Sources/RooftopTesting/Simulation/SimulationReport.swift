/// The outcome of one simulated run.
public struct SimulationReport: Sendable, CustomStringConvertible {
    public let seed: UInt64
    /// Operations performed (writes, syncs, deliveries, faults).
    public var steps = 0
    public var localWrites = 0
    public var deliveries = 0
    public var duplicates = 0
    public var drops = 0
    public var crashes = 0
    public var conflicts = 0
    /// Empty when every replica converged and every invariant held.
    public var failures: [String] = []

    public var passed: Bool { failures.isEmpty }

    public var description: String {
        "seed \(seed): \(passed ? "ok" : "FAILED") — \(steps) steps, \(localWrites) writes, \(deliveries) deliveries "
            + "(\(duplicates) duplicated, \(drops) dropped), \(crashes) crashes, \(conflicts) conflicts"
            + (passed ? "" : "\n  " + failures.joined(separator: "\n  "))
    }
}
