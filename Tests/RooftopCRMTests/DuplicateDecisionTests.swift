import Foundation
import RooftopCRM
import RooftopModel
import RooftopReplication
import RooftopStore
import RooftopTesting
import Testing

/// Reviewers' decisions replicate (`sync-protocol/duplicate-detection.md#decisions`): a pair dismissed
/// at one rooftop leaves every rooftop's queue; two rooftops dismissing one pair write one row.
@Suite struct DuplicateDecisionTests {
    let clock = ManualWallClock()

    func person(_ replica: Replica, _ first: String, _ last: String, email: String, phone: String) throws -> RowID {
        var json = CRMTestData.person(first, last, email: email)
        json["phoneNumbers"] = .array([.object(["number": .string(phone), "type": "Mobile"])])
        clock.advance(by: 10)
        return try CRMService(replica: replica).createCustomer(try CustomerInput(json: json), allowDuplicate: true)
    }

    @Test func aDismissalAtOneRooftopEmptiesEveryQueueAndConcurrentDismissalsConverge() throws {
        let north = try TestReplica("north", clock: clock), south = try TestReplica("south", clock: clock)
        defer { north.remove(); south.remove() }
        let a = try person(north.replica, "Dana", "Whitfield", email: "dana@example.com", phone: "+14805550101")
        let b = try person(north.replica, "DANA", "Whitfeld", email: "dana@example.com", phone: "480-555-0101")
        try MergeExchange.syncAll([north.replica, south.replica])
        for t in [north, south] {
            let report = try CRMService(replica: t.replica).scanDuplicates()
            #expect(report.queued == 1)
            #expect(try CRMService(replica: t.replica).duplicateQueue().count == 1)
        }
        // Both rooftops dismiss the pair while partitioned, in opposite orders.
        clock.advance(by: 10)
        _ = try CRMService(replica: north.replica).dismissDuplicate(a, b, by: "maria", note: "twins")
        clock.advance(by: 10)
        _ = try CRMService(replica: south.replica).dismissDuplicate(b, a, by: "li")
        try MergeExchange.syncAll([north.replica, south.replica])
        for t in [north, south] {
            #expect(try CRMService(replica: t.replica).duplicateQueue().isEmpty)
            let rows = try t.replica.snapshot { try $0.rows(CRMSchema.duplicateDecision, where: "_created IS NOT NULL") }
            #expect(rows.count == 1, "one decision row per pair")
            #expect(rows.first?.values["decidedBy"] == .text("li"), "the later decision's fields win (LWW)")
            #expect(try CRMService(replica: t.replica).scanDuplicates().dismissed == 1)
        }
        #expect(try north.replica.digest() == south.replica.digest())
    }

    @Test func aPairMergedSinceTheScanLeavesTheQueue() throws {
        let t = try TestReplica("north", clock: clock)
        defer { t.remove() }
        let a = try person(t.replica, "Ana", "Silva", email: "ana.silva@example.com", phone: "+13125550199")
        let b = try person(t.replica, "Ana", "Silva", email: "ana.silva@example.com", phone: "(312) 555-0199")
        let service = CRMService(replica: t.replica)
        #expect(try service.scanDuplicates().confident == 1)
        _ = try service.mergeCustomer(b, into: a, by: "maria")
        #expect(try service.duplicateQueue().isEmpty)
    }
}
