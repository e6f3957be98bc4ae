import Foundation
import RooftopTesting
import Testing

/// The convergence simulator over many seeds: a hub and 5 rooftops, random writes (create, edit,
/// delete, restore, phones, interactions), partitions, delayed / duplicated / reordered / dropped
/// deliveries and crashes; after healing, every replica must hold identical content and conflicts,
/// and every row must equal the fold of its history. `scripts/soak --seeds N` runs thousands.
@Suite struct ConvergenceSimulationTests {
    /// CI runs this many seeds (override with `ROOFTOP_SIM_SEEDS`).
    static let seeds: [UInt64] = Array(0..<UInt64(ProcessInfo.processInfo.environment["ROOFTOP_SIM_SEEDS"].flatMap(Int.init) ?? 200))

    @Test(arguments: seeds)
    func replicasConvergeAfterHealing(seed: UInt64) throws {
        let report = try ClusterSimulation(seed: seed).run()
        #expect(report.passed, "\(report)")
        #expect(report.localWrites > 0)
    }
}
