import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import NIOCore
import RooftopAPI
import RooftopCRM
import RooftopGenerator
import RooftopImport
import RooftopModel
import RooftopNode
import RooftopReplication
import RooftopStore
import RooftopTesting

/// Lead intake throughput (`scripts/bench N leads`, issue 13): on a replica of N generated customers,
/// 2,000 generated ADF leads (one prospect per document, as providers send them; every tenth with a
/// junk phone) posted to `POST /api/crm/leads/adf` over HTTP by 4 concurrent clients, and 2,000 more
/// dropped as files and imported by the drop folder (``LeadDropFolder``), and 2,000 more in one
/// document (a provider's batch, read as a stream, one transaction): leads/s and post latency.
enum LeadBench {
    static let leads = 2_000

    static func run(customers: Int) async throws {
        let files = try BenchFiles("rooftop-bench-leads")
        defer { files.cleanup() }
        let base = try files.generatedReplica("leads-base-\(customers).sqlite", customers: customers, label: "leads")
        // A fresh copy per run: the leads are new to it.
        let path = files.path("leads-run.sqlite")
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        try base.backup(to: path)
        let replica = try Replica(path: path, rooftop: RooftopID(rawValue: "north")!)

        var documents: [String] = []
        for (i, record) in DealershipGenerator(count: leads * 4, seed: 5).enumerated() where record.email != nil || record.phone != nil {
            guard documents.count < leads * 3 else { break }
            var prospect = ScaleRun.prospect(record).replacingOccurrences(of: "<prospect>", with: "<prospect><id source=\"Bench\">B-\(i)</id>")
            if i % 10 == 0 { prospect = prospect.replacingOccurrences(of: "</contact>", with: "<phone type=\"voice\">1234567890</phone></contact>") }
            documents.append("<?xml version=\"1.0\"?>\n<?adf version=\"1.0\"?>\n<adf>\n" + prospect + "</adf>\n")
        }
        _ = try CRMService(replica: replica).duplicateModel()  // the model, once, as a running node holds it
        try await endpoint(replica, Array(documents.prefix(leads)))
        try await folder(replica, Array(documents.dropFirst(leads).prefix(leads)), directory: files.directory)
        try batch(replica, Array(documents.dropFirst(leads * 2)))
    }

    /// The prospects of `documents` in one document, imported as the CLI and the folder import one.
    static func batch(_ replica: Replica, _ documents: [String]) throws {
        let prospects = documents.map { document in
            document.components(separatedBy: "<adf>\n").last!.components(separatedBy: "</adf>").first!
        }
        let data = Data(("<?xml version=\"1.0\"?>\n<?adf version=\"1.0\"?>\n<adf>\n" + prospects.joined() + "</adf>\n").utf8)
        var report = ImportReport()
        let took = try seconds { report = try LeadImporter.importDocument(data, into: replica, via: .cli) }
        print(String(format: "leads: one document of %d leads (%.1f MB, read as a stream, one transaction) in %.1f s: %.0f leads/s (%d imported)",
                     prospects.count, Double(data.count) / 1e6, took, Double(prospects.count) / took,
                     report.leads.filter { $0.outcome == "Imported" }.count))
    }

    static func endpoint(_ replica: Replica, _ documents: [String]) async throws {
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        var logger = Logger(label: "bench.leads")
        logger.logLevel = .critical
        let app = Application(router: RooftopAPI.router(replica: replica), configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                              onServerRunning: { continuation.yield($0.localAddress?.port ?? 0) }, logger: logger)
        let server = Task { try await app.runService() }
        var bound = 0
        for await p in ports { bound = p; break }
        let port = bound
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        let next = Counter()
        var latencies: [Double] = []
        let started = Date()
        try await withThrowingTaskGroup(of: [Double].self) { group in
            for _ in 0..<4 {
                group.addTask {
                    var mine: [Double] = []
                    while let k = next.take(below: documents.count) {
                        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/api/crm/leads/adf")
                        request.method = .POST
                        request.headers.add(name: "Content-Type", value: "application/xml")
                        request.body = .bytes(ByteBuffer(string: documents[k]))
                        let start = DispatchTime.now()
                        let response = try await client.execute(request, timeout: .seconds(30))
                        _ = try await response.body.collect(upTo: 1 << 20)
                        guard response.status == .ok else { throw CLIBenchError("POST answered \(response.status)") }
                        mine.append(Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e6)
                    }
                    return mine
                }
            }
            for try await part in group { latencies += part }
        }
        let elapsed = Date().timeIntervalSince(started)
        try await client.shutdown()
        server.cancel()
        latencies.sort()
        print(String(format: "leads: POST /api/crm/leads/adf, %d leads (one document each, 4 clients) in %.1f s: %.0f leads/s; "
                     + "latency p50 %.1f ms, p99 %.1f ms", documents.count, elapsed, Double(documents.count) / elapsed,
                     latencies[latencies.count / 2], latencies[latencies.count * 99 / 100]))
    }

    static func folder(_ replica: Replica, _ documents: [String], directory: String) async throws {
        let drop = URL(fileURLWithPath: (directory as NSString).appendingPathComponent("lead-drop"))
        try? FileManager.default.removeItem(at: drop)
        try FileManager.default.createDirectory(at: drop, withIntermediateDirectories: true)
        for (i, document) in documents.enumerated() {
            try Data(document.utf8).write(to: drop.appendingPathComponent(String(format: "lead-%05d.xml", i)))
        }
        let folder = LeadDropFolder(replica: replica, directory: drop, logger: Logger(label: "bench.leads"))
        var outcomes: [LeadDropFolder.FileOutcome] = []
        let took = try await seconds { outcomes = try await folder.processReadyFiles(settle: 0) }
        let imported = outcomes.reduce(0) { $0 + $1.leadsImported }
        print(String(format: "leads: drop folder, %d files (one lead each) imported and moved to done/ with a report in %.1f s: %.0f leads/s (%d imported)",
                     outcomes.count, took, Double(outcomes.count) / took, imported))
    }

    /// Hands out 0, 1, 2, … to concurrent clients.
    final class Counter: @unchecked Sendable {
        private var value = 0
        private let lock = NSLock()
        func take(below limit: Int) -> Int? {
            lock.lock()
            defer { lock.unlock() }
            guard value < limit else { return nil }
            value += 1
            return value - 1
        }
    }

    struct CLIBenchError: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }
}
