import Foundation
import RooftopReplication
import Testing

@Suite struct VersionVectorTests {
    let north = RooftopID(rawValue: "north")!
    let south = RooftopID(rawValue: "south")!

    @Test func advanceOnlyRaises() {
        var vector = VersionVector()
        vector.advance(north, to: HLC(rawValue: 10))
        vector.advance(north, to: HLC(rawValue: 5))
        #expect(vector[north] == HLC(rawValue: 10))
        #expect(vector[south] == .zero)
    }

    @Test func mergeTakesThePerOriginMaximumAndDominatesBoth() {
        let a = VersionVector([north: HLC(rawValue: 10), south: HLC(rawValue: 3)])
        let b = VersionVector([north: HLC(rawValue: 7), south: HLC(rawValue: 9)])
        let m = a.merged(with: b)
        #expect(m == VersionVector([north: HLC(rawValue: 10), south: HLC(rawValue: 9)]))
        #expect(m.dominates(a) && m.dominates(b))
        #expect(!a.dominates(b))
    }

    @Test func jsonIsAnObjectOfRooftopToRawHLC() throws {
        let vector = VersionVector([north: HLC(rawValue: 42)])
        #expect(String(decoding: try JSONEncoder().encode(vector), as: UTF8.self) == #"{"north":42}"#)
        #expect(try JSONDecoder().decode(VersionVector.self, from: Data(#"{"north":42}"#.utf8)) == vector)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(VersionVector.self, from: Data(#"{"Not Valid":1}"#.utf8)) }
    }

    @Test(arguments: ["north", "a", "rooftop-12", String(repeating: "a", count: 63)])
    func validRooftopIDs(_ text: String) { #expect(RooftopID(rawValue: text) != nil) }

    @Test(arguments: ["", "North", "-north", "north-", "nörth", "north south", String(repeating: "a", count: 64)])
    func invalidRooftopIDs(_ text: String) { #expect(RooftopID(rawValue: text) == nil) }
}
