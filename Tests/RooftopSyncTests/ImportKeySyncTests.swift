import Foundation
import RooftopImport
import RooftopModel
import RooftopStore
import RooftopSync
import RooftopTesting
import Testing

/// Two stores' DMSs both number their customers from `rec-1`: imported at two rooftops and synced,
/// each file's people stay themselves (`sync-protocol/import-ids.md`). Before the rooftop was part of
/// an imported row's id, both `rec-1`s became one customer after sync, one person's fields over the
/// other's.
@Suite(.serialized) struct ImportKeySyncTests {
    static let northDMS = """
        externalId,firstName,lastName,email,phone,city
        rec-1,Alice,Moreno,alice.moreno@example.com,(312) 555-0101,Chicago
        rec-2,Bruno,Keller,bruno.keller@example.com,(312) 555-0102,Evanston

        """
    static let southDMS = """
        externalId,firstName,lastName,email,phone,city
        rec-1,Derek,Osei,derek.osei@example.com,(615) 555-0199,Nashville
        rec-2,Elena,Park,elena.park@example.com,(615) 555-0188,Franklin

        """

    func file(_ text: String, _ name: String, in cluster: TestCluster) throws -> String {
        let path = cluster.directory.path(name)
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// Each customer as `firstName lastName email phone city`, sorted.
    func people(_ replica: Replica) throws -> [String] {
        try replica.customers(limit: 100).map { record in
            [record.customer["firstName"], record.customer["lastName"], record.customer["email"], record.phones.first?["number"],
             record.addresses.first?["city"]].map { $0?.textValue ?? "-" }.joined(separator: " ")
        }.sorted()
    }

    @Test func overlappingKeysImportedAtTwoRooftopsStayTwoPeopleAfterSync() async throws {
        let cluster = try await TestCluster()
        let north = try cluster.replica("north"), south = try cluster.replica("south")
        let northFile = try file(Self.northDMS, "north.csv", in: cluster), southFile = try file(Self.southDMS, "south.csv", in: cluster)
        // Both import offline, before either has synced.
        #expect(try CustomerImporter(replica: north).importFile(at: northFile).customersCreated == 2)
        #expect(try CustomerImporter(replica: south).importFile(at: southFile).customersCreated == 2)
        for replica in [north, south, north] { _ = try await cluster.sync(replica) }

        let expected = [
            "Alice Moreno alice.moreno@example.com +13125550101 Chicago", "Bruno Keller bruno.keller@example.com +13125550102 Evanston",
            "Derek Osei derek.osei@example.com +16155550199 Nashville", "Elena Park elena.park@example.com +16155550188 Franklin",
        ]
        #expect(try people(north) == expected)
        #expect(try people(south) == expected)
        #expect(try north.digest() == south.digest())

        // Each file again at its own rooftop: nothing written, nothing rejected.
        for (replica, path) in [(north, northFile), (south, southFile)] {
            let again = try CustomerImporter(replica: replica).importFile(at: path)
            #expect(again.alreadyImported == 2 && again.customersCreated == 0 && again.rejected.isEmpty, "\(again)")
        }
        // North's file at south: its rec-1 is not south's rec-1 (rejected, as another system's keys
        // are). Named as its own system, once its people have synced here, each row attaches to the
        // customer north created (the duplicate check), and no one is written twice.
        var importer = try CustomerImporter(replica: south)
        #expect(try importer.importFile(at: northFile).rejected.count == 2)
        importer.externalSystem = "north-dms"
        let elsewhere = try importer.importFile(at: northFile)
        #expect(elsewhere.customersCreated == 0 && elsewhere.customersMatched == 2 && elsewhere.rejected.isEmpty, "\(elsewhere) \(elsewhere.rejected)")
        #expect(try people(south) == expected)
        await cluster.shutdown()
    }
}
