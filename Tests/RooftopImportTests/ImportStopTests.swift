import Foundation
@testable import RooftopImport
import RooftopStore
import RooftopTesting
import Testing

/// An import asked to stop (the CLI's Ctrl-C) stops between batches: what it committed stays
/// imported, the report says how far it got, and running it again finishes it, each row once.
@Suite struct ImportStopTests {
    @Test func aStoppedImportKeepsItsCommittedBatchesAndARerunFinishesIt() throws {
        let t = try TestReplica("north")
        defer { t.remove() }
        let path = try CustomerCSVTests.peopleFile(2_500, in: t.directory)
        var importer = try CustomerImporter(replica: t.replica)
        importer.checkDuplicates = false
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
        let path = try CustomerCSVTests.peopleFile(2_500, in: t.directory)
        var importer = try CustomerImporter(replica: t.replica)
        importer.shouldStop = { true }
        let error = try #require(throws: CustomerImportError.self) { try importer.importFile(at: path) }
        #expect(error.description.contains("nothing imported"))
        #expect(try t.replica.customerCount() == 0)
    }
}
