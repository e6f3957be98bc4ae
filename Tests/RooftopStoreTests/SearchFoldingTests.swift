import Foundation
import RooftopModel
import RooftopReplication
import RooftopStore
import RooftopTesting
import Testing

/// Search finds what was stored whatever the case, accents or Unicode normal form typed. Failed
/// before: an NFD query did not find an NFC name, and "JOSE MUNOZ" did not find "José Muñoz".
@Suite struct SearchFoldingTests {
    @Test func aNameIsFoundWhateverTheCaseAccentsOrNormalFormTyped() throws {
        let t = try TestReplica()
        defer { t.remove() }
        let jose = try t.replica.createCustomer(CustomerInput(fields: ["firstName": .text("José"), "lastName": .text("Muñoz")]))
        let zoe = try t.replica.createCustomer(CustomerInput(fields: ["firstName": .text("Zoé"), "lastName": .text("Ng")]))
        let istanbul = try t.replica.createCustomer(CustomerInput(fields: ["businessName": .text("İstanbul Motors")]))
        try t.replica.createCustomer(CustomerInput(fields: ["firstName": .text("Joseph"), "lastName": .text("Moon")]))
        for (query, expected) in [("JOSE MUNOZ", jose), ("munoz", jose), ("Jose\u{301} Mun\u{303}oz", jose), ("muñoz, josé", jose),
                                  ("Zoe\u{301}", zoe), ("zoe", zoe), ("ZOË NG", zoe), ("istanbul", istanbul), ("İSTANBUL", istanbul)] {
            let found = try t.replica.searchCustomers(query).map(\.customer.id)
            #expect(found == [expected], "\(query)")
        }
        // Stored values keep their spelling.
        #expect(try t.replica.customer(id: jose)?.customer["lastName"] == .text("Muñoz"))
        #expect(try t.replica.searchCustomers("jos").count == 2)  // José and Joseph
    }
}
