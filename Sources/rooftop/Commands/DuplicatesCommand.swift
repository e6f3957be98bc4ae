import ArgumentParser
import Foundation
import RooftopCRM
import RooftopImport
import RooftopModel
import RooftopStore
import RooftopReplication

/// `rooftop duplicates`: duplicate-customer detection (`sync-protocol/duplicate-detection.md`).
struct DuplicatesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "duplicates", abstract: "Find duplicate customers, review them, and measure detection quality.",
        subcommands: [Scan.self, List.self, Dismiss.self, Confirm.self, Evaluate.self])

    struct Scan: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Compare every customer and refill this rooftop's review queue (pairs at or above the review threshold, not dismissed).")
        @OptionGroup var data: DataOptions
        @Flag(help: "Estimate the match model afresh (by default the kept one is reused while the customer count stays within 10%).")
        var refit = false
        @Flag(help: "Print the report as JSON.") var json = false

        func run() throws {
            let service = CRMService(replica: try data.openReplica())
            var progress: CountProgress?
            let report = try service.scanDuplicates(refit: refit) { done, total in
                if progress == nil && total >= 50_000 { progress = CountProgress("comparing", total: total, unit: "pairs") }
                progress?.update(done)
            }
            progress?.finish(report.candidatePairs)
            if json { return try Output.printJSON(report) }
            print("\(report.customers) customers, \(report.candidatePairs) candidate pairs compared: \(report.queued) pairs queued for review "
                  + "(\(report.confident) at the auto-merge threshold), \(report.dismissed) dismissed earlier; "
                  + (report.modelEstimated ? "match model estimated and kept" : "kept match model reused (--refit to estimate afresh)"))
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The review queue, most probable first.")
        @OptionGroup var data: DataOptions
        @Option(help: "At most this many pairs (1-500).") var limit = 50
        @Option(help: "Only pairs at or above this probability (0-1).") var minProbability = 0.0
        @Flag(help: "Only the pairs a reviewer must decide (below the auto-merge class).") var reviewOnly = false
        @Flag(help: "Print JSON ({\"items\": [...]}, as GET /api/crm/duplicates).") var json = false

        func validate() throws {
            guard (1...500).contains(limit) else { throw ValidationError("--limit must be 1-500") }
            guard (0...1).contains(minProbability) else { throw ValidationError("--min-probability must be 0-1") }
        }

        func run() throws {
            let items = try CRMService(replica: try data.openReplica()).duplicateQueue(limit: limit, minimumProbability: minProbability, autoMerge: reviewOnly ? false : nil)
            if json { return try Output.printJSON(["items": JSONValue.array(items.map(\.json))]) }
            if items.isEmpty { print("no possible duplicates queued (run `rooftop duplicates scan`)") }
            for item in items {
                let names = item.customers.map { c in
                    [c.customer.values["firstName"]?.textValue, c.customer.values["lastName"]?.textValue ?? c.customer.values["businessName"]?.textValue]
                        .compactMap { $0 }.joined(separator: " ")
                }
                let matched = item.pair.score.fields.filter(\.agrees).map(\.field.rawValue).joined(separator: ",")
                let differed = item.pair.score.fields.filter(\.differs).map(\.field.rawValue).joined(separator: ",")
                print(String(format: "%.4f", item.pair.score.probability) + (item.pair.isConfident ? " auto " : " review ")
                      + "\(item.pair.a) \(names.first ?? "") | \(item.pair.b) \(names.last ?? "")  matched: \(matched)  differed: \(differed.isEmpty ? "-" : differed)")
            }
        }
    }

    struct Dismiss: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Record that two customers are different people (replicated; never queued again).")
        @OptionGroup var data: DataOptions
        @Argument(help: "One customer's id.") var first: String
        @Argument(help: "The other customer's id.") var second: String
        @Option(help: "Who decided.") var by: String?
        @Option(help: "Why.") var note: String?

        func run() throws {
            guard let a = RowID(first), let b = RowID(second) else { throw CLIError("customer ids must be UUIDs") }
            let row = try CRMService(replica: try data.openReplica()).dismissDuplicate(a, b, by: by, note: note)
            print("dismissed: \(first) and \(second) are different people (decision \(row.id))")
        }
    }

    struct Confirm: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Confirm two customers are one person: merge them (the survivor is the one created first).")
        @OptionGroup var data: DataOptions
        @Argument(help: "One customer's id.") var first: String
        @Argument(help: "The other customer's id.") var second: String
        @Option(help: "Who merged.") var by: String?
        @Option(help: "Why (the merge's reason; default \"confirmed duplicate\").") var note: String?
        @Flag(help: "Merge even though a reviewer dismissed the pair as different people.") var overrideDismissal = false

        func run() throws {
            guard let a = RowID(first), let b = RowID(second) else { throw CLIError("customer ids must be UUIDs") }
            let result = try CRMService(replica: try data.openReplica()).confirmDuplicate(a, b, by: by, note: note, overrideDismissal: overrideDismissal)
            print("merged: survivor \(result.customer.customer.id)")
        }
    }

    struct Evaluate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import a labelled file into a scratch replica, detect duplicates, and print precision, recall and F1.",
            discussion: """
                FILE is FEBRL (rec_id, given_name, surname, …; records sharing N in rec-N-… are one person; soc_sec_id is \
                never used) or the generator's labelled CSV (record_id,entity,first_name,last_name,email,phone,street,city,\
                state,postal_code,birth_date; equal entity = one person). Figures are pairwise over all true pairs, one per \
                line, the auto-merge threshold first.
                """)
        @Argument(help: "The labelled file (CSV).") var file: String
        @Flag(help: "Also print every wrongly predicted pair above the review threshold, and every missed true pair.") var verbose = false
        @Flag(help: "Also run the check on create for each record against the records before it in the file, and print its recall and precision.")
        var checkOnCreate = false

        func run() throws {
            let text = String(decoding: try readUserFile(file), as: UTF8.self)
            let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("rooftop-evaluate-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: scratch) }
            let replica = try Replica(path: scratch.appendingPathComponent("replica.sqlite").path, rooftop: RooftopID(rawValue: "evaluate")!)
            let labelled: LabelledFile
            do { labelled = try LabelledFile.importRecords(text, into: replica) } catch let error as FEBRLError { throw CLIError("\(file): \(error.message)") }
            guard labelled.entityByCustomer.count >= 2 else {
                throw CLIError("\(file): \(labelled.entityByCustomer.count) record(s) imported (\(labelled.report.rejected.count) rejected): nothing to compare")
            }
            let records = try CRMService(replica: replica).matchRecords()
            let progress = records.count >= 20_000 ? CountProgress("comparing", total: 1, unit: "pairs") : nil
            let result = DuplicateDetector.detect(records, minimumProbability: 0) { done, total in
                progress?.total = max(total, 1)
                progress?.update(done)
            }
            progress?.finish(result.candidates)
            let evaluation = DuplicateEvaluation(entityByRecord: labelled.entityByCustomer)
            print("file \(file) (\(labelled.format.rawValue))")
            print("records \(labelled.entityByCustomer.count) (imported \(records.count), rejected \(labelled.report.rejected.count))")
            if !labelled.unusableValues.isEmpty {
                print("unusable values left empty " + labelled.unusableValues.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
            }
            print("true pairs \(evaluation.truePairs)")
            print("candidate pairs \(result.candidates) (true pairs among them \(evaluation.matches(result.pairs)))")
            print(String(format: "prior %.3g", result.model.priorMatch))
            for (name, q) in [("auto-merge", evaluation.autoMergeQuality(result.pairs)),
                              ("review", evaluation.quality(result.pairs, threshold: DuplicateDetector.reviewProbability))] {
                print("\(name) threshold \(q.threshold) (\(q.predicted) pairs predicted, \(q.truePositives) true)")
                print(String(format: "precision %.4f", q.precision))
                print(String(format: "recall %.4f", q.recall))
                print(String(format: "F1 %.4f", q.f1))
            }
            if checkOnCreate {
                let progress = labelled.customerOrder.count >= 20_000 ? CountProgress("checking", total: labelled.customerOrder.count, unit: "records") : nil
                let check = try CRMService(replica: replica).evaluateCheckOnCreate(order: labelled.customerOrder, entityByCustomer: labelled.entityByCustomer) { done, _ in
                    progress?.update(done)
                }
                progress?.finish(check.records)
                print("check on create (each record against the records before it): \(check.typedAgain) typed again, \(check.refused) refused, \(check.caught) of them the same person")
                print(String(format: "check recall %.4f", check.recall))
                print(String(format: "check precision %.4f", check.precision))
            }
            if verbose {
                for field in MatchField.allCases {
                    let levels = (result.model.m[field] ?? [:]).sorted { $0.value > $1.value }
                    print("m \(field.rawValue): " + levels.map { "\($0.key.rawValue)=" + String(format: "%.3f", $0.value) + " u=" + String(format: "%.4f", result.model.u[field]?[$0.key] ?? 0) }.joined(separator: " "))
                }
                for t in [0.05, 0.1, 0.2, 0.5, 0.8, 0.9, 0.99, 0.999] {
                    let q = evaluation.quality(result.pairs, threshold: t)
                    print(String(format: "sweep %.3f precision %.4f recall %.4f F1 %.4f", t, q.precision, q.recall, q.f1))
                }
                print(String(format: "household u: surname %.3f phone %.3f", result.model.householdSurnameU, result.model.householdPhoneU))
                let compared = Set(result.pairs.map { $0.a + $0.b })
                let byEntity = Dictionary(grouping: labelled.entityByCustomer.keys.sorted(), by: { labelled.entityByCustomer[$0]! })
                let byID0 = [String: MatchRecord](uniqueKeysWithValues: records.map { ($0.id, $0) })
                for (_, ids) in byEntity.sorted(by: { $0.key < $1.key }) where ids.count > 1 {
                    for i in 0..<ids.count { for j in (i + 1)..<ids.count where !compared.contains(min(ids[i], ids[j]) + max(ids[i], ids[j])) {
                        print("unblocked: \(Self.describe(byID0[ids[i]])) | \(Self.describe(byID0[ids[j]]))")
                    } }
                }
                let byID = [String: MatchRecord](uniqueKeysWithValues: records.map { ($0.id, $0) })
                for pair in result.pairs where pair.score.probability >= DuplicateDetector.reviewProbability && !evaluation.isMatch(pair.a, pair.b) {
                    print("false \(pair.score.probability) \(pair.score.weight): \(Self.describe(byID[pair.a])) | \(Self.describe(byID[pair.b])) | \(Self.levels(pair.score))")
                }
                for pair in result.pairs where pair.score.probability >= DuplicateDetector.autoMergeProbability && !pair.isConfident {
                    print("held back \(evaluation.isMatch(pair.a, pair.b) ? "true" : "false") \(pair.score.probability): \(Self.describe(byID[pair.a])) | \(Self.describe(byID[pair.b])) | \(Self.levels(pair.score))")
                }
                for pair in result.pairs where pair.score.probability < DuplicateDetector.autoMergeProbability && pair.score.probability >= DuplicateDetector.reviewProbability && evaluation.isMatch(pair.a, pair.b) {
                    print("uncertain \(pair.score.probability) \(pair.score.weight): \(Self.describe(byID[pair.a])) | \(Self.describe(byID[pair.b])) | \(Self.levels(pair.score))")
                }
                for pair in result.pairs where pair.score.probability < DuplicateDetector.reviewProbability && evaluation.isMatch(pair.a, pair.b) {
                    print("missed \(pair.score.probability) \(pair.score.weight): \(Self.describe(byID[pair.a])) | \(Self.describe(byID[pair.b])) | \(Self.levels(pair.score))")
                }
            }
        }

        static func describe(_ r: MatchRecord?) -> String {
            guard let r else { return "?" }
            return [r.given, r.surname, r.birthDate, r.email, r.phones.joined(separator: "/"), r.street, r.city, r.postalCode].map { $0 ?? "-" }.joined(separator: ",")
        }

        static func levels(_ s: MatchScore) -> String {
            s.fields.filter { $0.level != .missing }.map { "\($0.field.rawValue)=\($0.level.rawValue)(\($0.weight))" }.joined(separator: " ")
        }
    }
}
