import Foundation
import RooftopTesting
import Testing

/// The convergence soak over a few seeds: a hub and 5 rooftops running the product's sync client and
/// hub logic over an in-process transport with faults (lost requests and answers, stale duplicates,
/// partitions past the retention horizon and re-bootstraps, crashes, clocks set years ahead, concurrent
/// compactions, a newer release's changesets); after healing, every replica holds identical content and
/// conflicts, every row equals the fold of its history, and no edit is lost. `scripts/soak --seeds N`
/// runs thousands.
@Suite struct ConvergenceSimulationTests {
    /// CI runs this many seeds (override with `ROOFTOP_SIM_SEEDS`).
    static let seeds: [UInt64] = Array(0..<UInt64(ProcessInfo.processInfo.environment["ROOFTOP_SIM_SEEDS"].flatMap(Int.init) ?? 40))

    @Test(arguments: seeds)
    func replicasConvergeAndNoEditIsLost(seed: UInt64) async throws {
        let report = await (try ClusterSimulation(seed: seed)).run()
        #expect(report.passed, "\(report)")
        #expect(report.localWrites > 0 && report.syncs > 0 && report.editsAccounted > 0)
    }
}
