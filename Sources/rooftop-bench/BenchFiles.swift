import Foundation
import RooftopGenerator
import RooftopReplication
import RooftopStore
import RooftopTesting

/// Where a benchmark keeps its files: `ROOFTOP_BENCH_DIR` when set (kept, so a rerun reuses what an
/// earlier run generated), else a temporary directory removed by `cleanup`.
struct BenchFiles {
    let directory: String
    private let temporary: TemporaryDirectory?

    init(_ name: String) throws {
        let kept = ProcessInfo.processInfo.environment["ROOFTOP_BENCH_DIR"]
        temporary = kept == nil ? try TemporaryDirectory(name) : nil
        directory = kept ?? temporary!.path("")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    func path(_ file: String) -> String { (directory as NSString).appendingPathComponent(file) }

    func cleanup() { temporary?.remove() }

    /// The replica `file` holding `customers` generated customers (seed 1, as the rooftop's own
    /// writes), generated on first use and printed with its time under `label`.
    func generatedReplica(_ file: String, customers: Int, label: String) throws -> Replica {
        let path = path(file)
        let existed = FileManager.default.fileExists(atPath: path)
        let replica = try Replica(path: path, rooftop: RooftopID(rawValue: "north")!)
        guard !existed else { return replica }
        var writer = ReplicaWriter(replica: replica, seed: 1)
        var batch: [GeneratedRecord] = []
        let started = Date()
        for record in DealershipGenerator(count: customers, seed: 1) {
            batch.append(record)
            if batch.count == 2_000 { try writer.write(batch); batch.removeAll(keepingCapacity: true) }
        }
        try writer.write(batch)
        print(String(format: "%@: %d generated customers written in %.1f s", label, customers, Date().timeIntervalSince(started)))
        return replica
    }
}
