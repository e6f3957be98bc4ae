import Foundation
@testable import RooftopImport
import RooftopStore
import RooftopTesting
import Testing

/// An import asked to stop (the CLI's Ctrl-C) stops once the rows in flight are committed: what it
/// committed stays imported, the report says how far it got, and running it again finishes it, each
/// row once.
@Suite struct ImportStopTests {
    /// A file of `rows` people in `t`'s directory, and an importer into `t`'s replica.
    static func people(_ rows: Int, _ t: TestReplica, checkDuplicates: Bool) throws -> (path: String, importer: CustomerImporter) {
        var importer = try CustomerImporter(replica: t.replica)
        importer.checkDuplicates = checkDuplicates
        return (try CustomerCSVTests.peopleFile(rows, in: t.directory), importer)
    }

    @Test func aStoppedImportKeepsItsCommittedBatchesAndARerunFinishesIt() throws {
        let t = try TestReplica("north")
        defer { t.remove() }
        var (path, importer) = try Self.people(2_500, t, checkDuplicates: false)
        importer.batchSize = 1_000
        var told = 0
        importer.shouldStop = { told >= 1_000 }  // asked after the first batch committed
        let stopped = try importer.importFile(at: path) { told = $0 }
        #expect(stopped.stoppedAfterRows == 1_000 && stopped.customersCreated == 1_000, "\(stopped)")
        #expect(stopped.description.hasPrefix("stopped after 1000 data rows (all committed): 1000 customers created"))
        #expect(try t.replica.customerCount() == 1_000)
        importer.shouldStop = { false }
        let rerun = try importer.importFile(at: path)
        #expect(rerun.stoppedAfterRows == nil && rerun.customersCreated == 1_500 && rerun.alreadyImported == 1_000, "\(rerun)")
        #expect(try t.replica.customerCount() == 2_500)
    }

    @Test func aStopDuringTheDuplicateChecksFirstPassImportsNothing() throws {
        let t = try TestReplica("north")
        defer { t.remove() }
        var (path, importer) = try Self.people(2_500, t, checkDuplicates: true)
        importer.shouldStop = { true }
        let report = try importer.importFile(at: path)
        #expect(report.stoppedAfterRows == 0 && report.customersCreated == 0, "\(report)")
        #expect(try t.replica.customerCount() == 0)
    }

    /// A bulk load (transactions of 20,000 rows) stops after the chunk in flight, not at the end of
    /// its batch; asked after the last row, it is no stop.
    @Test func aBulkLoadStopsAfterTheChunkInFlightAndAStopAfterTheLastRowIsNone() throws {
        let t = try TestReplica("north")
        defer { t.remove() }
        var (path, importer) = try Self.people(5_000, t, checkDuplicates: false)
        importer.bulkLoad = true
        importer.bulkLoadMinimumRows = 1_000
        importer.dataLines = 5_000
        var told = 0
        importer.shouldStop = { told >= 2_000 }
        let stopped = try importer.importFile(at: path) { told = $0 }
        #expect(stopped.stoppedAfterRows == 2_000 && stopped.customersCreated == 2_000, "\(stopped)")
        #expect(try t.replica.customerCount() == 2_000)
        // The search rows and indexes of a stopped load are written: its last rows are found.
        #expect(try t.replica.searchCustomers("given1999 family59").first?.customer["email"] == .text("p1999@example.com"))
        importer.shouldStop = { told >= 5_000 }  // true only once every row is written
        let rest = try importer.importFile(at: path) { told = $0 }
        #expect(rest.stoppedAfterRows == nil && rest.customersCreated == 3_000 && rest.alreadyImported == 2_000, "\(rest)")
    }
}
