import Foundation
import RooftopImport
import RooftopModel
import RooftopStore
import RooftopTesting
import Testing

/// Many lead files imported at once (`rooftop import adf FILE… | DIR`) share transactions, each file in
/// a savepoint: every file must still be imported whole or not at all, report its own outcome in
/// order, and leave the replica as importing the files one by one does.
@Suite struct LeadDocumentGroupTests {
    static let fixtures = ["01-used-suv-web-form.xml", "02-new-vehicle-full-name-trade-in.xml", "03-business-fleet-inquiry.xml",
                           "04-two-prospects-one-document.xml", "05-sell-my-car-appraisal.xml", "06-minimal-phone-only.xml",
                           "07-service-to-sales-accents.xml", "10-provider-junk-phone-extension.xml", "11-batch-one-unreachable.xml",
                           "90-invalid-missing-contact.xml"]
    struct Unreadable: Error {}

    /// The fixtures, with a document that is not ADF and a file that cannot be read among them.
    /// Each load moves `clock` a second on: the files arrive apart, as a provider's do.
    static func documents(_ clock: ManualWallClock) throws -> [() throws -> Data] {
        var documents: [() throws -> Data] = try fixtures.map { name in
            let data = try Fixtures.data("adf/\(name)")
            return { clock.advance(by: 1_000); return data }
        }
        documents.insert({ Data("<lead><prospect/></lead>".utf8) }, at: 4)
        documents.insert({ throw Unreadable() }, at: 7)
        // A good prospect (another person's) then XML that breaks: its first lead must not stay.
        let broken = String(decoding: try Fixtures.data("adf/04-two-prospects-one-document.xml"), as: UTF8.self)
            .replacingOccurrences(of: "Cara", with: "Brokenfile").replacingOccurrences(of: "5550100102", with: "5550100177")
            .replacingOccurrences(of: "<prospect status=\"resend\">", with: "<prospect status=\"resend\"><<")
        documents.insert({ Data(broken.utf8) }, at: 9)
        return documents
    }

    static func counts(_ replica: Replica) throws -> [Int] {
        try [CRMSchema.customer, CRMSchema.customerPhone, CRMSchema.customerAddress, CRMSchema.customerInteraction,
             CRMSchema.vehicle, CRMSchema.customerVehicle, CRMSchema.lead].map { try replica.storedRowCount($0) }
    }

    /// Groups of one (its own transaction), of three, as many as the time allows (none: one document a
    /// group, in a savepoint), and of all.
    @Test(arguments: [(1, 250), (3, 250), (200, 0), (200, 10_000)])
    func eachDocumentIsWholeOrNothingAndTheReplicaIsAsOneByOne(perTransaction: Int, groupMilliseconds: Int) throws {
        let groupedClock = ManualWallClock(), singleClock = ManualWallClock()
        let documents = try Self.documents(groupedClock)
        let grouped = try TestReplica("north", clock: groupedClock), single = try TestReplica("north", clock: singleClock)
        defer { grouped.remove(); single.remove() }
        var outcomes: [Result<ImportReport, any Error>] = []
        try LeadImporter.importDocuments(documents, into: grouped.replica, perTransaction: perTransaction,
                                         groupMilliseconds: groupMilliseconds) { index, outcome in
            #expect(index == outcomes.count, "outcomes in document order")
            outcomes.append(outcome)
        }
        #expect(outcomes.count == documents.count)
        var alone: [Result<ImportReport, any Error>] = []
        for load in try Self.documents(singleClock) { alone.append(Result { try LeadImporter.importDocument(try load(), into: single.replica) }) }
        for (index, (got, expected)) in zip(outcomes, alone).enumerated() {
            switch (got, expected) {
            case (.success(let a), .success(let b)):
                #expect(a.description == b.description, "document \(index)")
                #expect(a.leads.map(\.outcome) == b.leads.map(\.outcome) && a.leads.map(\.leadId) == b.leads.map(\.leadId), "document \(index)")
            case (.failure(let a), .failure(let b)):
                #expect(type(of: a) == type(of: b), "document \(index): \(a) / \(b)")
            default:
                Issue.record("document \(index): \(got) grouped, \(expected) alone")
            }
        }
        #expect({ if case .failure(let error) = outcomes[4] { return error is ADFError } else { return false } }(), "the document that is not ADF")
        #expect({ if case .failure(let error) = outcomes[7] { return error is Unreadable } else { return false } }(), "the unreadable file")
        #expect({ if case .failure(let error) = outcomes[9] { return error is ADFError } else { return false } }(), "the document breaking after a prospect")
        #expect(try grouped.replica.searchCustomers("brokenfile").isEmpty, "the broken document's first prospect was undone")
        #expect(try Self.counts(grouped.replica) == Self.counts(single.replica))
        // Each document keeps its own arrival time (a group does not give all of them its first's).
        let arrivals = try grouped.replica.snapshot { tx in try tx.strings("SELECT receivedAt FROM lead ORDER BY receivedAt", arguments: []) }
        let arrivedAlone = try single.replica.snapshot { tx in try tx.strings("SELECT receivedAt FROM lead ORDER BY receivedAt", arguments: []) }
        #expect(arrivals == arrivedAlone)
        #expect(try grouped.replica.customerCount() > 0)

        // Again: every lead already imported, nothing written.
        let before = try Self.counts(grouped.replica)
        try LeadImporter.importDocuments(documents, into: grouped.replica, perTransaction: perTransaction,
                                         groupMilliseconds: groupMilliseconds) { index, outcome in
            if case .success(let report) = outcome {
                #expect(report.customersCreated == 0 && report.interactions == 0 && report.alreadyImported == report.leads.count, "document \(index)")
            }
        }
        #expect(try Self.counts(grouped.replica) == before)
    }

    /// A database error inside a group (here a trigger refusing one document's lead, as a full disk or
    /// a broken page would) undoes the group; its documents are then imported one by one, so only the
    /// document that fails is reported failed, the others are imported whole, and the next group goes on.
    @Test func aDatabaseErrorUndoesTheGroupAndItsDocumentsAreImportedOneByOne() throws {
        let clock = ManualWallClock()
        let t = try TestReplica("north", clock: clock)
        defer { t.remove() }
        try t.replica.transaction { tx in
            try tx.executeLocal("""
                CREATE TRIGGER injectedFailure BEFORE INSERT ON lead WHEN NEW.providerLeadId LIKE '%FP-88231%' BEGIN
                  SELECT RAISE(ABORT, 'injected failure');
                END
                """)
        }
        let documents = try Self.fixtures.map { name in
            let data = try Fixtures.data("adf/\(name)")
            return { () throws -> Data in data }
        }
        var outcomes: [Result<ImportReport, any Error>] = []
        try LeadImporter.importDocuments(documents, into: t.replica, perTransaction: 4, groupMilliseconds: 10_000) { index, outcome in
            #expect(index == outcomes.count, "outcomes in document order")
            outcomes.append(outcome)
        }
        let failing = try #require(Self.fixtures.firstIndex(of: "03-business-fleet-inquiry.xml"))
        for (index, outcome) in outcomes.enumerated() {
            switch outcome {
            case .failure(let error):
                #expect(index == failing || error is ADFError, "document \(index): \(error)")
                if index == failing { #expect("\(error)".contains("injected failure")) }
            case .success(let report):
                #expect(index != failing)
                #expect(report.leads.allSatisfy { $0.outcome != "AlreadyImported" }, "document \(index) imported once")
            }
        }
        // The failing document left nothing; each other one is there whole, as imported alone.
        let alone = try TestReplica("north", clock: ManualWallClock())
        defer { alone.remove() }
        for (index, load) in documents.enumerated() where index != failing { _ = try? LeadImporter.importDocument(try load(), into: alone.replica) }
        #expect(try Self.counts(t.replica) == Self.counts(alone.replica))
    }
}
