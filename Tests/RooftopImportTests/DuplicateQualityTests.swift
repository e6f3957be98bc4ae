import Foundation
import RooftopCRM
import RooftopGenerator
@testable import RooftopImport
import RooftopModel
import RooftopStore
import RooftopTesting
import Testing

/// Detection quality, measured as `rooftop duplicates evaluate` measures it: the labelled file
/// imported into a replica, detection over its customers, pairwise precision and recall over all
/// true pairs (`sync-protocol/duplicate-detection.md#quality`).
@Suite("Duplicate detection quality")
struct DuplicateQualityTests {
    static func evaluate(_ text: String) throws -> (auto: DuplicateEvaluation.Quality, review: DuplicateEvaluation.Quality) {
        let test = try TestReplica()
        defer { test.remove() }
        let labelled = try LabelledFile.importRecords(text, into: test.replica)
        let records = try CRMService(replica: test.replica).matchRecords()
        let result = DuplicateDetector.detect(records, minimumProbability: 0)
        let evaluation = DuplicateEvaluation(entityByRecord: labelled.entityByCustomer)
        return (evaluation.autoMergeQuality(result.pairs),
                evaluation.quality(result.pairs, threshold: DuplicateDetector.reviewProbability))
    }

    @Test("FEBRL dataset1 without the national id: precision ≥ 0.999 at auto-merge, F1 ≥ 0.99 at review")
    func febrl() throws {
        let text = String(decoding: try Fixtures.data("febrl/dataset1.csv"), as: UTF8.self)
        let (auto, review) = try Self.evaluate(text)
        #expect(auto.truePairs == 500)
        #expect(auto.precision >= 0.999)
        #expect(auto.f1 >= 0.98)
        #expect(review.f1 >= 0.99)
    }

    /// A seed the thresholds were not chosen on (they were set on FEBRL and seeds 1–2 at 20,000).
    @Test("generated customers with households: precision ≥ 0.99 and F1 ≥ 0.97 at auto-merge")
    func generated() throws {
        var lines = [RecordCSV.labelledHeader]
        for record in DealershipGenerator(count: 6_000, seed: 11) { lines.append(RecordCSV.labelledLine(record)) }
        let (auto, review) = try Self.evaluate(lines.joined(separator: "\n") + "\n")
        #expect(auto.truePairs > 500)
        #expect(auto.precision >= 0.99)
        #expect(auto.f1 >= 0.97)
        #expect(review.recall >= 0.98)
    }

    @Test("a confirmed merge barely moves other pairs' scores: the scan keeps its model until the count moves 10% or refit")
    func keptModelIsStable() throws {
        let test = try TestReplica()
        defer { test.remove() }
        _ = try LabelledFile.importRecords(String(decoding: try Fixtures.data("febrl/dataset1.csv"), as: UTF8.self), into: test.replica)
        let service = CRMService(replica: test.replica)
        let first = try service.scanDuplicates()
        #expect(first.modelEstimated)
        let before = try service.duplicateQueue(limit: 500)
        let merged = try #require(before.first)
        _ = try service.confirmDuplicate(try #require(RowID(merged.pair.a)), try #require(RowID(merged.pair.b)))
        let second = try service.scanDuplicates()
        #expect(!second.modelEstimated)
        let after = try service.duplicateQueue(limit: 500)
        #expect(after.count == before.count - 1, "only the merged pair left the queue")
        let scores = Dictionary(uniqueKeysWithValues: after.map { ($0.pair.a + $0.pair.b, $0.pair.score.probability) })
        for item in before.dropFirst() {
            // Only the value frequencies and the 1/N prior follow the one customer fewer.
            let now = try #require(scores[item.pair.a + item.pair.b], "\(item.pair.a) \(item.pair.b) left the queue")
            #expect(abs(now - item.pair.score.probability) <= 0.001, "\(item.pair.a) \(item.pair.b): \(item.pair.score.probability) → \(now)")
        }
        #expect(try service.scanDuplicates(refit: true).modelEstimated)
    }

    @Test("a file in neither format is refused with the reason, nothing imported")
    func unknownHeader() throws {
        let test = try TestReplica()
        defer { test.remove() }
        #expect(throws: FEBRLError.self) { try LabelledFile.importRecords("name,email\nDana,d@example.com\n", into: test.replica) }
        #expect(try test.replica.customerCount() == 0)
    }
}

/// On the way in: a CSV row or an ADF lead that confidently duplicates a customer attaches to it.
@Suite("Imports attach duplicates")
struct ImportDuplicateTests {
    @Test("a CSV row duplicating an existing customer (or an earlier row) is counted, not created")
    func csvRowsAttach() throws {
        let test = try TestReplica()
        defer { test.remove() }
        let csv = """
            externalId,firstName,lastName,email,phone,street,city,postalCode
            r1,Dana,Whitfield,dana@example.com,(480) 555-0101,77 Cactus Road,Phoenix,85020
            r2,DANA,Whitfeld,dana@example.com,480.555.0101,77 Cactus Rd,Phoenix,85020
            r3,Morgan,Whitfield,morgan@example.org,480 555 0102,77 Cactus Road,Phoenix,85020

            """
        let file = test.directory.path("customers.csv")
        try Data(csv.utf8).write(to: URL(fileURLWithPath: file))
        let report = try CustomerImporter(replica: test.replica).importFile(at: file)
        #expect(report.customersCreated == 2)
        #expect(report.customersMatched == 1)
        #expect(try test.replica.customerCount() == 2)
        var unchecked = try CustomerImporter(replica: test.replica)
        unchecked.checkDuplicates = false
        let again = try unchecked.importFile(at: file)
        #expect(again.customersCreated == 1 && again.alreadyImported == 2, "the check off: the row is created")
    }

    /// A first load into a new rooftop used to be checked with the empty replica's model, which
    /// reads every name as rare: at 50,000 generated rows it attached 4,903 different people (two
    /// Carlos Garcias of Phoenix) to someone else, about one refusal in two.
    @Test("a first load of a generated dealership file: the typed-again records attach, different people are created")
    func firstLoadIsCheckedAtItsOwnScale() throws {
        let test = try TestReplica()
        defer { test.remove() }
        let records = Array(DealershipGenerator(count: 4_000, seed: 21))
        let file = test.directory.path("customers.csv")
        try Data(([RecordCSV.customerHeader] + records.map(RecordCSV.customerLine)).joined(separator: "\n").utf8 + [0x0A])
            .write(to: URL(fileURLWithPath: file))
        let importer = try CustomerImporter(replica: test.replica)
        let report = try importer.importFile(at: file)
        var seen = Set<String>(), typedAgain = 0, attached = 0, wronglyAttached = 0
        for record in records {
            let again = !seen.insert(record.entity).inserted
            if again { typedAgain += 1 }
            guard try importer.importedCustomerID(externalId: record.recordID) == nil else { continue }
            if again { attached += 1 } else { wronglyAttached += 1 }
        }
        #expect(report.customersCreated + report.customersMatched == records.count)
        #expect(typedAgain > 300)
        #expect(Double(attached) >= 0.85 * Double(typedAgain), "\(attached) of \(typedAgain) typed-again records attached")
        #expect(Double(wronglyAttached) <= 0.02 * Double(attached + wronglyAttached),
                "\(wronglyAttached) different people attached to someone else, \(attached) duplicates")
        // A rerun (a user trial: it created 60 of 1,987 attached rows when the rows already imported
        // were counted into the model's population a second time).
        let again = try CustomerImporter(replica: test.replica).importFile(at: file)
        #expect(again.alreadyImported == report.customersCreated)
        #expect(again.customersCreated == 0, "\(again.customersCreated) of \(report.customersMatched) attached rows created on a rerun")
    }

    static func matchRecord(_ r: GeneratedRecord, id: String? = nil) -> MatchRecord {
        var input = MatchInput(id: id ?? r.recordID)
        input.contactType = r.contactType
        input.firstName = r.firstName
        input.lastName = r.lastName
        input.businessName = r.businessName
        input.email = r.email
        input.birthDate = r.birthDate
        input.phones = r.phone.map { [($0, r.phoneType)] } ?? []
        input.addresses = [(r.street, r.city, r.postalCode)]
        return MatchKeys.record(input)
    }

    /// A user trial: after a checked import, `duplicates scan` stored a model whose prior had fallen to
    /// 1e-12, and `customer add` then created exact copies.
    @Test("a replica with no duplicates left still has a model that calls an exact copy confident")
    func aReplicaWithoutDuplicatesStillRefusesCopies() throws {
        var seen = Set<String>()
        // People with an e-mail, a mobile and an address (a copy with only a home phone is scored as a
        // household member would be: a shared phone is not evidence of one person).
        let people = DealershipGenerator(count: 4_000, seed: 23).filter {
            seen.insert($0.entity).inserted && $0.email != nil && $0.phone != nil && $0.phoneType == "Mobile" && $0.street != nil
        }
        let records = people.map { Self.matchRecord($0) }.sorted { $0.id < $1.id }
        let model = MatchModel.estimate(records: records, pairs: Blocking.candidatePairs(records))
        var refused = 0
        for person in people.prefix(200) {
            let score = model.score(Self.matchRecord(person), Self.matchRecord(person, id: "copy"))
            if score.isConfident { refused += 1 }
        }
        #expect(refused == 200, "\(refused) of 200 exact copies confident; prior \(model.parameters.priorMatch)")
    }

    /// The import's check scores rows with a model estimated on a sample of the population (one in
    /// four here, by a hash of the id): it must hold about one in sixteen of the duplicate pairs, and
    /// so learn the prior (share of duplicate pairs) of one from all records, and attach what the full
    /// model attaches. (With FNV-1a alone the sample held 7-11 of ~70 pairs: records one apart were
    /// never sampled together, and the prior came out 5-10x too small.)
    @Test("the check's model from a sample of the customers has the full model's prior and attaches the duplicates it does",
          arguments: [12, 17] as [UInt64])
    func sampledModelAttachesWhatTheFullModelDoes(seed: UInt64) {
        let generated = Array(DealershipGenerator(count: 8_000, seed: seed))
        let records = generated.map { Self.matchRecord($0) }
        let entity = Dictionary(uniqueKeysWithValues: generated.map { ($0.recordID, $0.entity) })
        let pairs = Blocking.candidatePairs(records)
        let full = MatchModel.estimate(records: records, pairs: pairs)
        let sample = records.filter { CRMService.isSampled($0.id, step: 4) }
        #expect(sample.count > 1_500 && sample.count < 2_500)
        let sampled = MatchModel.estimate(records: sample, population: records.count, pairs: Blocking.candidatePairs(sample))
        var fullAttached = 0, sampledAttached = 0, fullWrong = 0, sampledWrong = 0
        for (a, b) in pairs {
            let samePerson = entity[records[a].id] == entity[records[b].id]
            let byFull = full.score(records[a], records[b]).isConfident, bySample = sampled.score(records[a], records[b]).isConfident
            if samePerson {
                fullAttached += byFull ? 1 : 0
                sampledAttached += bySample ? 1 : 0
            } else {
                fullWrong += byFull ? 1 : 0
                sampledWrong += bySample ? 1 : 0
            }
        }
        let sampledDuplicates = sample.indices.reduce(into: [String: Int]()) { $0[entity[sample[$1].id]!, default: 0] += 1 }.values.reduce(0) { $0 + $1 * ($1 - 1) / 2 }
        let allDuplicates = records.indices.reduce(into: [String: Int]()) { $0[entity[records[$1].id]!, default: 0] += 1 }.values.reduce(0) { $0 + $1 * ($1 - 1) / 2 }
        #expect(Double(sampledDuplicates) > Double(allDuplicates) / 16 * 0.6, "\(sampledDuplicates) of \(allDuplicates) duplicate pairs in the sample")
        #expect(fullAttached > 900)
        #expect(Double(sampledAttached) >= 0.95 * Double(fullAttached), "\(sampledAttached) of the full model's \(fullAttached) confident duplicates")
        // EM on 2,000 records is rougher than on 8,000: a few more pairs of different people pass
        // (8 of ~17,000 at seed 17, against 1), under 1% of what it attaches. At the import's scale
        // (200,000 rows, a 100,000 sample) the fix changed nothing measurable: 91 against 86
        // different people in 20,478 attached rows (README "A million customers").
        #expect(sampledWrong * 100 <= sampledAttached, "\(sampledWrong) pairs of different people confident (full model: \(fullWrong))")
        let ratio = sampled.parameters.priorMatch / full.parameters.priorMatch
        #expect(ratio > 0.5 && ratio < 2, "prior \(sampled.parameters.priorMatch) from the sample, \(full.parameters.priorMatch) from all")
    }

    @Test("an unusable value is counted per column and left empty; the rest of its record is imported")
    func unusableValuesAreCountedAndLeftEmpty() throws {
        let test = try TestReplica()
        defer { test.remove() }
        let text = LabelledFile.plainColumns.joined(separator: ",") + """

            1,a,Ann,Lee,not-an-email,555-0100,,,,,1980-13-45
            2,a,Ann,Lee,ann@example.com,(212) 555-0175,,,,,1980-02-03
            """
        let labelled = try LabelledFile.importRecords(text, into: test.replica)
        #expect(labelled.unusableValues == ["email": 1, "phone": 1, "birth_date": 1])
        #expect(labelled.report.customersCreated == 2)
        #expect(try test.replica.customerIDs(withEmail: "ann@example.com").count == 1)
    }

}
