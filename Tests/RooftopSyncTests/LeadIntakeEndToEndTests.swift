import Foundation
import GRDB
import Logging
import RooftopImport
import RooftopModel
import RooftopNode
import RooftopReplication
import RooftopStore
import RooftopSync
import RooftopTesting
import Testing

/// Lead intake end to end (issue 13): a running node takes an ADF post on its REST API and a file
/// dropped into its lead folder; after syncing, the leads are at another rooftop.
@Suite(.serialized) struct LeadIntakeEndToEndTests {
    /// A cluster, its rooftop `north`, and a drop folder `leads/` watched for it.
    static func dropFolder() async throws -> (TestCluster, Replica, URL, LeadDropFolder) {
        let cluster = try await TestCluster()
        let north = try cluster.replica("north")
        let drop = URL(fileURLWithPath: cluster.directory.path("leads"))
        try FileManager.default.createDirectory(at: drop, withIntermediateDirectories: true)
        return (cluster, north, drop, LeadDropFolder(replica: north, directory: drop, logger: Logger(label: "test")))
    }

    static func adf(_ id: String, name: String, email: String, extra: String = "") -> String {
        """
        <?xml version="1.0"?><?adf version="1.0"?><adf><prospect><id source="LeadCo">\(id)</id>
        <requestdate>2026-12-05T09:00:00Z</requestdate>
        <customer><contact><name part="full">\(name)</name><email>\(email)</email><phone>1234567890</phone></contact></customer>
        <vehicle interest="buy"><year>2027</year><make>Kia</make><model>EV9</model></vehicle>\(extra)
        <provider><name>LeadCo</name></provider></prospect></adf>
        """
    }

    @Test func aPostedLeadAndADroppedFileReachAnotherRooftop() async throws {
        let cluster = try await TestCluster()
        let north = try cluster.replica("north")
        let drop = URL(fileURLWithPath: cluster.directory.path("leads"))
        try FileManager.default.createDirectory(at: drop, withIntermediateDirectories: true)
        let configuration = NodeConfiguration(rooftop: RooftopID(rawValue: "north")!, hubURL: cluster.hubURL.absoluteString,
                                              certificates: cluster.ca.directory.path, apiPort: 0, syncIntervalSeconds: 3_600)
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        var logger = Logger(label: "test.node")
        logger.logLevel = .critical
        let task = Task { [logger] in
            try await NodeRunner.run(configuration: configuration, replica: north, logger: logger, leadDrop: drop) { continuation.yield($0) }
        }
        var port = 0
        for await p in ports { port = p; break }

        // A provider posts one lead over HTTP (text/plain, as many do).
        let body = Self.adf("L-100", name: "Posted Person", email: "posted@example.com")
        let request = ["POST /api/crm/leads/adf HTTP/1.1", "Host: 127.0.0.1:\(port)", "Connection: close", "Content-Type: text/plain",
                       "Content-Length: \(body.utf8.count)"].joined(separator: "\r\n") + "\r\n\r\n" + body
        let (received, _) = try await HubRequestLimitsTests.rawExchange(TestCluster.Endpoint(host: "127.0.0.1", port: port), tls: nil,
                                                                        send: Array(request.utf8), timeout: .seconds(10))
        let answer = String(decoding: received, as: UTF8.self)
        #expect(answer.hasPrefix("HTTP/1.1 200"), "\(answer.prefix(400))")
        #expect(answer.contains("\"outcome\":\"Imported\"") && answer.contains("1234567890"))

        // Another provider drops a file (written elsewhere, then moved in), and a file that is not ADF.
        let staging = URL(fileURLWithPath: cluster.directory.path("staging.xml"))
        try Data(Self.adf("L-200", name: "Dropped Person", email: "dropped@example.com").utf8).write(to: staging)
        try FileManager.default.moveItem(at: staging, to: drop.appendingPathComponent("lead-200.xml"))
        try Data("Subject: a lead\n\nName: nobody".utf8).write(to: drop.appendingPathComponent("mail.txt"))
        let done = drop.appendingPathComponent("done/lead-200.xml"), quarantined = drop.appendingPathComponent("quarantine/mail.txt")
        for _ in 0..<100 where !(FileManager.default.fileExists(atPath: done.path) && FileManager.default.fileExists(atPath: quarantined.path)) {
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(FileManager.default.fileExists(atPath: done.path))
        #expect(FileManager.default.fileExists(atPath: done.path + ".report.json"))
        #expect(FileManager.default.fileExists(atPath: quarantined.path + ".report.json"))
        #expect(try north.customerCount() == 2)

        task.cancel()
        _ = try? await task.value

        // Sync: south sees both leads, their customers and interactions.
        try await cluster.sync(north)
        let south = try cluster.replica("south")
        try await cluster.sync(south)
        #expect(try south.customerCount() == 2)
        let leads = try south.snapshot { try $0.rows(CRMSchema.lead, where: "1 = 1") }
        #expect(Set(leads.compactMap { $0["receivedVia"].textValue }) == ["HTTP", "DropFolder"])
        #expect(leads.allSatisfy { $0["warnings"].textValue?.contains("1234567890") == true })
        #expect(try south.digest() == north.digest())
        await cluster.shutdown()
    }

    @Test func aFileImportedBeforeACrashIsNotImportedTwice() async throws {
        let (cluster, north, drop, folder) = try await Self.dropFolder()
        let document = Data(Self.adf("L-300", name: "Once Only", email: "once@example.com").utf8)
        // Imported, then the process died before moving it: the file is still in the folder.
        _ = try LeadImporter.importDocument(document, into: north, via: .dropFolder)
        let before = try north.digest()
        try document.write(to: drop.appendingPathComponent("again.xml"))
        let outcomes = try await folder.processReadyFiles(settle: 0)
        #expect(outcomes.map(\.folder) == ["done"])
        #expect(outcomes.first?.alreadyImported == 1 && outcomes.first?.leadsImported == 0)
        #expect(try north.digest() == before)
        // XML still being written (cut short, just modified) is left for a later pass, not quarantined.
        try Data("<?xml version=\"1.0\"?><adf><prospect><requestdate>".utf8).write(to: drop.appendingPathComponent("slow.xml"))
        #expect(try await folder.processReadyFiles(settle: 0).isEmpty)
        #expect(FileManager.default.fileExists(atPath: drop.appendingPathComponent("slow.xml").path))
        try FileManager.default.removeItem(at: drop.appendingPathComponent("slow.xml"))
        // So is a file created before its content arrives (empty, or whitespace so far).
        try Data().write(to: drop.appendingPathComponent("upload.xml"))
        try Data("\n  ".utf8).write(to: drop.appendingPathComponent("upload2.xml"))
        #expect(try await folder.processReadyFiles(settle: 0).isEmpty)
        for name in ["upload.xml", "upload2.xml"] {
            #expect(FileManager.default.fileExists(atPath: drop.appendingPathComponent(name).path))
            try FileManager.default.removeItem(at: drop.appendingPathComponent(name))
        }
        // The same name dropped again later is kept beside the first, not over it.
        try document.write(to: drop.appendingPathComponent("again.xml"))
        _ = try await folder.processReadyFiles(settle: 0)
        #expect(FileManager.default.fileExists(atPath: drop.appendingPathComponent("done/again-2.xml").path))
        await cluster.shutdown()
    }

    /// A file over the documented bound (a stray export, a disk image) is quarantined with the
    /// reason without being read into memory, and the files after it still import.
    @Test func aFileOverTheBoundIsQuarantinedUnreadAndTheNextStillImports() async throws {
        let (cluster, _, drop, folder) = try await Self.dropFolder()
        let huge = drop.appendingPathComponent("a-huge.xml")
        #expect(FileManager.default.createFile(atPath: huge.path, contents: Data("<adf>".utf8)))
        let handle = try FileHandle(forWritingTo: huge)
        try handle.truncate(atOffset: UInt64(ADFParser.maxDocumentBytes) + 1)  // sparse: nothing written
        try handle.close()
        try Data(Self.adf("L-400", name: "After Huge", email: "after@example.com").utf8).write(to: drop.appendingPathComponent("b-lead.xml"))
        let outcomes = try await folder.processReadyFiles(settle: 0)
        #expect(outcomes.map(\.folder) == ["quarantine", "done"])
        #expect(outcomes.first?.error == "document is larger than \(ADFParser.maxDocumentBytes) bytes")
        #expect(outcomes.last?.leadsImported == 1)
        #expect(FileManager.default.fileExists(atPath: drop.appendingPathComponent("quarantine/a-huge.xml.report.json").path))
        await cluster.shutdown()
    }

    /// A burst of files (a provider catching up after an outage) is imported in one pass, several to a
    /// transaction: each good file to `done/` with its one lead, a file that is not ADF to `quarantine/`
    /// alone, a file still being written left in place, in name order.
    @Test func aBurstOfFilesImportsInOnePassEachWholeOrNotAtAll() async throws {
        let (cluster, north, drop, folder) = try await Self.dropFolder()
        for n in 0..<20 {
            let name = String(format: "lead-%02d.xml", n)
            try Data(Self.adf("B-\(n)", name: "Burst Person\(n)", email: "burst\(n)@example.com").utf8).write(to: drop.appendingPathComponent(name))
        }
        try Data("not xml at all".utf8).write(to: drop.appendingPathComponent("lead-10a.xml"))
        try Data("<?xml version=\"1.0\"?><adf><prospect><requestdate>".utf8).write(to: drop.appendingPathComponent("lead-10b.xml"))
        let outcomes = try await folder.processReadyFiles(settle: 0)
        var expectedOrder: [String] = (0..<20).map { String(format: "lead-%02d.xml", $0) }
        expectedOrder.insert("lead-10a.xml", at: 11)
        #expect(outcomes.map(\.file) == expectedOrder)
        #expect(outcomes.filter { $0.folder == "done" }.count == 20)
        #expect(outcomes.filter { $0.folder == "done" }.allSatisfy { $0.leadsImported == 1 })
        #expect(outcomes.first { $0.file == "lead-10a.xml" }?.folder == "quarantine")
        #expect(FileManager.default.fileExists(atPath: drop.appendingPathComponent("lead-10b.xml").path))
        #expect(try north.customerCount() == 20)
        for n in 0..<20 {
            #expect(FileManager.default.fileExists(atPath: drop.appendingPathComponent(String(format: "done/lead-%02d.xml.report.json", n)).path))
        }
        // Every lead is searchable at once (its transaction wrote its search row).
        #expect(try north.searchCustomers("burst").count == 20)
        await cluster.shutdown()
    }

    /// While another process holds the replica's write lock past the busy timeout, the dropped files
    /// stay where they are (not quarantined) and import on a later pass.
    @Test func filesWaitWhileTheDatabaseIsBusy() async throws {
        let (cluster, north, drop, folder) = try await Self.dropFolder()
        for n in 0..<3 {
            try Data(Self.adf("W-\(n)", name: "Waiting Person\(n)", email: "wait\(n)@example.com").utf8)
                .write(to: drop.appendingPathComponent("wait-\(n).xml"))
        }
        // Another process's writer holds the write lock for the whole first pass.
        let other = try DatabaseQueue(path: north.path)
        let held = DispatchSemaphore(value: 0), release = DispatchSemaphore(value: 0), finished = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            try? other.write { db in
                try db.execute(sql: "UPDATE replicaMeta SET value = value WHERE key = 'rooftop'")
                held.signal()
                release.wait()
            }
            finished.signal()
        }
        held.wait()
        await #expect(throws: (any Error).self) { _ = try await folder.processReadyFiles(settle: 0) }
        for n in 0..<3 { #expect(FileManager.default.fileExists(atPath: drop.appendingPathComponent("wait-\(n).xml").path)) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: drop.appendingPathComponent("quarantine").path).isEmpty)
        release.signal()
        finished.wait()
        try other.close()
        let outcomes = try await folder.processReadyFiles(settle: 0)
        #expect(outcomes.map(\.folder) == ["done", "done", "done"])
        #expect(try north.customerCount() == 3)
        await cluster.shutdown()
    }
}
