import Foundation
import RooftopModel
import RooftopReplication
import RooftopStore
import RooftopTesting
import Testing

/// Found by the soak (seed 583, with duplicate merges): bringing back a clock that ran ahead, with
/// nothing left to re-stamp, set this rooftop's own version-vector entry to its newest own change
/// still in the log. When that change had left the log (an erasure from elsewhere removed it), the
/// entry fell below what the hub holds of the rooftop, and every later sync stopped with
/// `OWN_HISTORY_MISSING`.
@Suite struct ClockRecoveryOwnEntryTests {
    @Test func recoveringTheClockNeverLowersTheOwnEntryBelowWhatTheHubHolds() throws {
        let clock = ManualWallClock()
        let t = try TestReplica("north", clock: clock)
        defer { t.remove() }
        let north = t.replica, south = RooftopID(rawValue: "south")!
        _ = try north.createCustomer(CustomerInput(fields: ["lastName": .text("Kept")]))
        // The clock runs a year ahead; a customer written then is pushed (the hub holds it), then
        // erased by another rooftop: its insert leaves this rooftop's log.
        let normal = clock.nowMilliseconds()
        clock.set(normal + 365 * 86_400_000)
        let ahead = try north.createCustomer(CustomerInput(fields: ["lastName": .text("Erased")]))
        let held = try north.versionVector()[north.rooftop]
        clock.set(normal + 1_000)
        try north.apply(Changeset(schemaVersion: CRMSchema.version, origin: south,
                                  changes: [RowChange(table: "customer", rowID: ahead, hlc: HLC(milliseconds: normal + 1_000, counter: 0), kind: .erase, fields: [])]),
                        acceptingOwnChangesUpTo: .zero)
        // The clock is right again; the hub (which holds `held`) tells the rooftop its time.
        _ = try north.recoverClock(hubAcknowledged: held, hubMilliseconds: clock.nowMilliseconds())
        #expect(try north.versionVector()[north.rooftop] >= held)
    }
}
