import Foundation
import RooftopGenerator
import RooftopModel
import RooftopReplication
import RooftopStore
import RooftopTesting

/// `scripts/bench N search`: N generated customers (``DealershipGenerator``, with vehicles and
/// history) written into a replica, then the search box's latency per kind of query, with 1 and
/// with 8 concurrent callers, in-process (the REST layer's own cost is not included).
enum SearchBench {
    static func run(customers: Int) throws {
        let directory = try TemporaryDirectory("rooftop-bench-search")
        defer { directory.remove() }
        // ROOFTOP_SEARCH_REPLICA=FILE: search a replica already holding these N generated customers (seed 1,
        // as `scripts/bench N duplicates` keeps in ROOFTOP_BENCH_DIR); only the query samples are generated.
        let existing = ProcessInfo.processInfo.environment["ROOFTOP_SEARCH_REPLICA"]
        let path = existing ?? directory.path("north.sqlite")
        let replica = try Replica(path: path, rooftop: RooftopID(rawValue: "north")!)
        var writer = ReplicaWriter(replica: replica, seed: 1)
        var samples: [GeneratedRecord] = []
        var batch: [GeneratedRecord] = []
        let started = Date()
        for record in DealershipGenerator(count: customers, seed: 1) {
            if samples.count < 5_000, record.recordID.hasSuffix("7") { samples.append(record) }
            if existing != nil {
                if samples.count == 5_000 { break }
                continue
            }
            batch.append(record)
            if batch.count == 2_000 { try writer.write(batch); batch.removeAll(keepingCapacity: true) }
        }
        try writer.write(batch)
        let generation = Date().timeIntervalSince(started)
        let size = Double((try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int64) ?? 0)
        if existing == nil {
            print(String(format: "search: %d generated customers written in %.1f s (%.0f customers/s); replica %.0f MB (%.0f bytes per customer)",
                         customers, generation, Double(customers) / generation, size / 1e6, size / Double(customers)))
        } else {
            print(String(format: "search: the replica %@ (%.0f MB), %d customers", path, size / 1e6, try replica.customerCount()))
        }
        let kinds = queries(from: samples)
        try replica.warmSearchVocabulary()  // as a node does when it starts
        print("search latency, in-process, limit 20 (ms): kind, 1 caller p50 p99, 8 callers p50 p99, results found")
        for (kind, queries) in kinds {
            var found = 0
            let one = try latencies(queries, callers: 1, replica) { found += $0 }
            let eight = try latencies(queries, callers: 8, replica) { _ in }
            print("  " + kind.padding(toLength: 14, withPad: " ", startingAt: 0)
                  + String(format: " %7.2f %7.2f   %7.2f %7.2f   %d/%d", one.p50, one.p99, eight.p50, eight.p99, found, queries.count))
        }
    }

    /// The service desk's kinds of query, 300 of each, drawn from generated records (`samples`):
    /// a surname, first and last name, an e-mail's first 8 characters, a phone as typed, its last 4
    /// digits, a VIN, its last 8 characters, and a surname of 5+ letters with one letter changed.
    static func queries(from samples: [GeneratedRecord]) -> [(String, [String])] {
        var random = SplitMix64(seed: 2)
        func typo(_ word: String) -> String {
            var chars = Array(word)
            let i = 1 + Int(random.next() % UInt64(max(1, chars.count - 2)))
            chars[i] = chars[i] == "e" ? "a" : "e"
            return String(chars)
        }
        let withVIN = samples.filter { !$0.vehicles.isEmpty }
        let names: [String] = samples.compactMap(\.lastName)
        var twoNames: [String] = []
        for r in samples { if let f = r.firstName, let l = r.lastName { twoNames.append(f + " " + l) } }
        let emails: [String] = samples.compactMap { $0.email }.map { String($0.prefix(8)) }
        let phones: [String] = samples.compactMap(\.phone)
        let last4: [String] = phones.map { String($0.filter(\.isNumber).suffix(4)) }
        let vins: [String] = withVIN.map { $0.vehicles[0].vin }
        let last8: [String] = vins.map { String($0.suffix(8)) }
        let typos: [String] = names.filter { $0.count >= 5 }.map(typo)
        return [("name", names), ("two names", twoNames), ("e-mail prefix", emails), ("full phone", phones),
                ("last-4 phone", last4), ("VIN", vins), ("last-8 VIN", last8), ("typo", typos)].map { ($0.0, Array($0.1.prefix(300))) }
    }

    struct Percentiles {
        let p50: Double, p99: Double
        init(p50: Double, p99: Double) { self.p50 = p50; self.p99 = p99 }
        /// Of latencies in ms.
        init(_ times: [Double]) {
            let sorted = times.sorted()
            p50 = sorted.isEmpty ? 0 : sorted[sorted.count / 2]
            p99 = sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(Double(sorted.count) * 0.99))]
        }
    }

    static func latencies(_ queries: [String], callers: Int, _ replica: Replica, found: (Int) -> Void) throws -> Percentiles {
        final class Results: @unchecked Sendable {
            let lock = NSLock()
            var times: [Double] = []
            var hits: [Int] = []
            var slowest: [(Double, String)] = []
        }
        let results = Results()
        DispatchQueue.concurrentPerform(iterations: callers) { _ in
            var mine: [Double] = [], myHits = 0
            var slowest: [(Double, String)] = []
            for query in queries {
                let start = DispatchTime.now().uptimeNanoseconds
                let found = (try? replica.searchCustomers(query, limit: 20)) ?? []
                mine.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
                slowest = Array((slowest + [(mine[mine.count - 1], query)]).sorted { $0.0 > $1.0 }.prefix(3))
                if !found.isEmpty { myHits += 1 }
            }
            results.lock.lock(); results.times += mine; results.hits.append(myHits); results.slowest += slowest; results.lock.unlock()
        }
        found(results.hits.first ?? 0)
        // ROOFTOP_SEARCH_SLOWEST=1: the tail's queries, to profile them.
        if ProcessInfo.processInfo.environment["ROOFTOP_SEARCH_SLOWEST"] != nil, callers == 1 {
            print("    slowest: " + results.slowest.map { String(format: "%@ %.2f ms", $0.1, $0.0) }.joined(separator: "; "))
        }
        let times = results.times.sorted()
        return Percentiles(p50: times[times.count / 2], p99: times[min(times.count - 1, Int(Double(times.count) * 0.99))])
    }
}
