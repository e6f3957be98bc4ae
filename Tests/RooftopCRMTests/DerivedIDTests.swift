import RooftopCRM
import RooftopModel
import Testing

@Suite struct DerivedIDTests {
    /// The vectors of `sync-protocol/merge-rules.md#derived-ids`: any implementation must derive these.
    @Test func derivedIDsMatchTheSpecifiedVectors() {
        let campaign = RowID("019ad2a0-0000-7000-8000-00000000e001")!, ana = RowID("019ad2a0-0000-7000-8000-00000000a001")!
        #expect(DerivedID.campaignMessage(campaign: campaign, customer: ana).string == "b22f6434-3d92-837d-86e1-120f2c6004d3")
        #expect(DerivedID.journey(customer: ana).string == "a96b9e6f-f078-89c8-b2dc-e9553d62c4eb")
        #expect(DerivedID.campaignMessage(campaign: ana, customer: campaign) != DerivedID.campaignMessage(campaign: campaign, customer: ana))
    }
}
