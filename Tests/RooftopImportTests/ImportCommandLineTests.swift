import Foundation
import RooftopModel
import RooftopStore
import RooftopTesting
import Testing

/// `rooftop import customers --matches FILE`: the rows attached to an existing customer, written only
/// once the import is done; a path that is the input itself is refused before anything is read.
@Suite struct ImportCommandLineTests {
    static var binary: String { Fixtures.rooftopExecutable }

    static func run(_ arguments: [String]) throws -> (Int32, String) { try ChildProcess.runToEnd(binary, arguments) }

    @Test func theMatchesFileListsAttachedRowsAndNeverOverwritesTheInputOrAnotherFileOnFailure() throws {
        #expect(FileManager.default.isExecutableFile(atPath: Self.binary), "build the rooftop executable first (scripts/test does)")
        let t = try TestReplica("north")  // open beside the CLI, as a node would have it
        defer { t.remove() }
        let directory = t.directory, data = t.directory.url
        let csv = """
            externalId,firstName,lastName,email,phone,city
            a1,Ana,Munoz,ana@example.com,(312) 555-0101,Chicago
            ,,,,,
            a2,ANA,Muñoz,ana@example.com,312.555.0101,Chicago

            """
        let input = directory.path("customers.csv")
        try Data(csv.utf8).write(to: URL(fileURLWithPath: input))

        // The input named as the matches file: refused, the input untouched.
        let (sameStatus, same) = try Self.run(["import", "customers", "--data", data.path, input, "--matches", input])
        #expect(sameStatus != 0 && same.contains("is the file being imported"), "\(same)")
        #expect(try String(contentsOfFile: input, encoding: .utf8) == csv)
        // An import that fails leaves an existing matches file as it was.
        let kept = directory.path("kept.csv"), noFields = directory.path("nofields.csv")
        try Data("precious\n".utf8).write(to: URL(fileURLWithPath: kept))
        try Data("a,b\n1,2\n".utf8).write(to: URL(fileURLWithPath: noFields))
        let (failStatus, _) = try Self.run(["import", "customers", "--data", data.path, noFields, "--matches", kept])
        #expect(try failStatus != 0 && String(contentsOfFile: kept, encoding: .utf8) == "precious\n")
        // A missing directory: refused before the import.
        let (missingStatus, missing) = try Self.run(["import", "customers", "--data", data.path, input, "--matches", directory.path("no/such/dir.csv")])
        #expect(missingStatus != 0 && missing.contains("cannot be written"), "\(missing)")

        // The import: Ana typed again (line 4) is attached to Ana (line 2); the blank row is no rejection.
        let (status, output) = try Self.run(["import", "customers", "--data", data.path, input, "--matches", kept])
        #expect(status == 0 && output.contains("1 customer created, 1 matched to an existing customer") && !output.contains("rejected"), "\(output)")
        let ana = try #require(try t.replica.snapshot { try $0.strings("SELECT id FROM customer") }.first)
        let lines = try String(contentsOfFile: kept, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(lines.count == 2 && lines[0] == "line,customerId,probability" && lines[1].hasPrefix("4,\(ana),"), "\(lines)")
    }

    /// `rooftop import customers` killed (`SIGKILL`) halfway through a file: what it committed are whole
    /// batches, and the same command run again creates the rest, each row once.
    @Test func anImportKilledMidwayAndRunAgainHoldsEachRowOnce() throws {
        let t = try TestReplica("north")
        defer { t.remove() }
        let rows = 15_000  // a small import (under 20,000 rows, and the replica open here): transactions of 1,000 rows
        let csv = "externalId,firstName,lastName,email,phone,street,city,state,postalCode\n" + (1...rows).map { i in
            "k\(i),Given\(i),Family\(i % 97),person\(i)@example.com,+1312\(200 + i / 10_000)\(String(format: "%04d", i % 10_000)),\(i) Main St,Chicago,IL,60601"
        }.joined(separator: "\n") + "\n"
        let input = t.directory.path("customers.csv")
        try Data(csv.utf8).write(to: URL(fileURLWithPath: input))
        let arguments = ["import", "customers", "--data", t.directory.url.path, input, "--no-duplicate-check"]
        let child = try ChildProcess.spawn(Self.binary, arguments, standardError: .pipe)
        // Killed once the progress passes half the file: batches of 1,000 rows are committed, one is in flight.
        var seen = ""
        while let chunk = child.standardError?.availableData, !chunk.isEmpty {  // what the pipe holds, not 4 KiB
            seen += String(decoding: chunk, as: UTF8.self)
            if ["50%", "60%", "70%"].contains(where: seen.contains) { break }
        }
        kill(child.processIdentifier, SIGKILL)
        #expect(child.waitUntilExit() == .signalled(SIGKILL), "the import ended before it was killed: \(seen)")
        let committed = try t.replica.customerCount()
        #expect(committed >= 1_000 && committed < rows && committed % 1_000 == 0, "\(committed) customers after the kill")
        let phones = try t.replica.snapshot { try $0.strings("SELECT count(*) FROM customerPhone") }
        #expect(phones == [String(committed)], "a customer without its phone, or a phone without its customer")

        let (status, output) = try Self.run(arguments)
        #expect(status == 0 && output.contains("\(rows - committed) customers created, \(committed) already imported"), "\(output)")
        #expect(try t.replica.customerCount() == rows)
        let distinct = try t.replica.snapshot { try $0.strings("SELECT count(DISTINCT email) || '/' || count(*) FROM customer") }
        #expect(distinct == ["\(rows)/\(rows)"])
    }

    /// Ctrl-C (`SIGINT`) halfway through: the import stops once the batch in flight is committed, says
    /// how far it got, exits 130, and the same command run again creates the rest, each row once.
    @Test func anImportStoppedWithCtrlCSaysWhatItCommittedAndARerunFinishesIt() throws {
        let t = try TestReplica("north")
        defer { t.remove() }
        let rows = 15_000  // the replica open here: transactions of 1,000 rows
        let csv = "externalId,firstName,lastName,email\n" + (1...rows).map { i in "k\(i),Given\(i),Family\(i % 97),person\(i)@example.com" }
            .joined(separator: "\n") + "\n"
        let input = t.directory.path("customers.csv")
        try Data(csv.utf8).write(to: URL(fileURLWithPath: input))
        let arguments = ["import", "customers", "--data", t.directory.url.path, input, "--no-duplicate-check"]
        let child = try ChildProcess.spawn(Self.binary, arguments, standardOutput: .pipe, standardError: .pipe)
        var seen = ""
        while let chunk = child.standardError?.availableData, !chunk.isEmpty {
            seen += String(decoding: chunk, as: UTF8.self)
            if ["30%", "40%", "50%"].contains(where: seen.contains) { break }
        }
        kill(child.processIdentifier, SIGINT)
        let output = String(decoding: child.standardOutput!.readDataToEndOfFile(), as: UTF8.self)
        #expect(child.waitUntilExit() == .exited(130), "\(output)")
        let committed = try t.replica.customerCount()
        #expect(committed >= 1_000 && committed < rows && committed % 1_000 == 0, "\(committed) customers after Ctrl-C")
        #expect(output.contains("stopped after \(committed) data rows (all committed): \(committed) customers created; run the same import again"), "\(output)")
        let (status, rerun) = try Self.run(arguments)
        #expect(status == 0 && rerun.contains("\(rows - committed) customers created, \(committed) already imported"), "\(rerun)")
        #expect(try t.replica.customerCount() == rows)
    }

    /// The progress counts a file's rows: a header alone is 0 of 0 (not 0 of 1), and a last line
    /// without a line break is counted (2 of 2, not 2 of 1).
    @Test func theProgressCountsEveryRowAndNoneInAHeaderOnlyFile() throws {
        let t = try TestReplica("north")
        defer { t.remove() }
        let headerOnly = t.directory.path("header.csv"), noFinalBreak = t.directory.path("two.csv")
        try Data("firstName,lastName\n".utf8).write(to: URL(fileURLWithPath: headerOnly))
        try Data("firstName,lastName\nAna,Lee\nBo,Kim".utf8).write(to: URL(fileURLWithPath: noFinalBreak))
        let (emptyStatus, empty) = try Self.run(["import", "customers", "--data", t.directory.url.path, headerOnly, "--no-duplicate-check"])
        #expect(emptyStatus == 0 && empty.contains("0/0 rows") && !empty.contains("/1 rows"), "\(empty)")
        let (status, two) = try Self.run(["import", "customers", "--data", t.directory.url.path, noFinalBreak, "--no-duplicate-check"])
        #expect(status == 0 && two.contains("2/2 rows") && two.contains("2 customers created"), "\(two)")
    }

    /// `rooftop export customers`: an output it cannot write fails in one line naming the file and the
    /// system's reason, before or while writing; filter values are read letter case aside, as REST reads them.
    @Test func anExportThatCannotBeWrittenSaysWhereAndWhyInOneLine() throws {
        let t = try TestReplica("north")
        defer { t.remove() }
        _ = try t.replica.createCustomer(try CustomerInput(json: ["firstName": "Ana", "lastName": "Lee", "status": "Active", "tags": ["VIP"]]))
        let data = t.directory.url.path
        for (output, reason) in [(t.directory.path("no/such/dir.csv"), "no directory"), (t.directory.path(""), "is a directory"),
                                 ("/dev/full", "No space left on device")] {
            let (status, text) = try Self.run(["export", "customers", "--data", data, "-o", output])
            let lines = text.split(separator: "\n")
            #expect(status != 0 && lines.count == 1 && text.contains(reason) && text.contains(output.hasSuffix("/") ? String(output.dropLast()) : output), "\(text)")
        }
        let (status, text) = try Self.run(["export", "customers", "--data", data, "--format", "jsonl", "--status", "active", "--tag", "vip"])
        #expect(status == 0 && text.split(separator: "\n").count == 1 && text.contains("\"lastName\":\"Lee\""), "\(text)")
    }

    /// `rooftop export customers --format jsonl` then `rooftop import customers FILE.jsonl` into
    /// another rooftop: the same customers, phones and addresses; a wrong `--format` or a `--map`
    /// for a JSON Lines file is refused in one line.
    @Test func aJSONLinesExportImportsIntoAnotherRooftopThroughTheCommandLine() throws {
        let north = try TestReplica("north"), south = try TestReplica("south")
        defer { north.remove(); south.remove() }
        let ana = try north.replica.createCustomer(try CustomerInput(json: [
            "firstName": "Ana", "lastName": "Lee", "communicationPreferences": ["doNotContact": true],
            "phoneNumbers": [["number": "+13125550101", "type": "Mobile"], ["number": "+13125550102", "type": "Home"]]]))
        let file = north.directory.path("north.jsonl")
        let (exported, exportText) = try Self.run(["export", "customers", "--data", north.directory.url.path, "--format", "jsonl", "-o", file])
        #expect(exported == 0, "\(exportText)")
        let (status, output) = try Self.run(["import", "customers", "--data", south.directory.url.path, file])
        #expect(status == 0 && output.contains("1 customer created"), "\(output)")
        let copy = try #require(try south.replica.customer(id: ana))
        #expect(copy.phones.count == 2 && copy.customer["doNotContact"] == .integer(1))
        for (arguments, reason) in [(["--format", "xml"], "--format must be csv or jsonl"), (["--map", "a=firstName"], "--map maps CSV columns")] {
            let (failed, text) = try Self.run(["import", "customers", "--data", south.directory.url.path, file] + arguments)
            #expect(failed != 0 && text.split(separator: "\n").count == 1 && text.contains(reason), "\(text)")
        }
    }

    /// A script sees rejected rows: the import writes the others, lists every rejected line in line
    /// order (rows rejected as read and as written, together) and exits 2 (1: it could not run); an export read back lists
    /// none of its own columns as unmapped.
    @Test func rejectedRowsAreListedInLineOrderAndTheImportExitsOne() throws {
        let t = try TestReplica("north")
        defer { t.remove() }
        let data = t.directory.url.path
        let first = t.directory.path("first.csv"), second = t.directory.path("second.csv")
        try Data("externalId,firstName,lastName,email\nk9,Carla,Diaz,carla@example.com\n".utf8).write(to: URL(fileURLWithPath: first))
        let (firstStatus, firstOutput) = try Self.run(["import", "customers", "--data", data, first])
        #expect(firstStatus == 0, "\(firstOutput)")
        // Line 2 is rejected as it is written (k9 holds Carla), line 3 as it is read.
        try Data("externalId,firstName,lastName,email\nk9,Zed,Quinn,zed@example.com\nk2,Bob,Marsh,not-an-email\nk3,Dee,Holt,dee@example.com\n".utf8)
            .write(to: URL(fileURLWithPath: second))
        let (status, output) = try Self.run(["import", "customers", "--data", data, second])
        #expect(status == 2, "\(output)")
        #expect(output.contains("1 customer created") && output.contains("2 of 3 rows rejected (listed above by line); the other rows were imported"), "\(output)")
        let line2 = try #require(output.range(of: "rejected line 2: /externalId"), "\(output)")
        let line3 = try #require(output.range(of: "rejected line 3: /email"), "\(output)")
        #expect(line2.lowerBound < line3.lowerBound, "\(output)")
        #expect(try t.replica.customerCount() == 2)

        // Export → import into another rooftop: every column is read or known to be the export's own.
        let south = try TestReplica("south")
        defer { south.remove() }
        let export = t.directory.path("export.csv")
        let (exportStatus, exportOutput) = try Self.run(["export", "customers", "--data", data, "-o", export])
        #expect(exportStatus == 0, "\(exportOutput)")
        let (roundStatus, round) = try Self.run(["import", "customers", "--data", south.directory.url.path, export])
        #expect(roundStatus == 0 && round.contains("2 customers created") && !round.contains("columns not imported"), "\(round)")
    }

    /// A text value may start with `-`: `--notes "-5 discount"` is the note, not an unknown option.
    @Test func aTextOptionTakesAValueStartingWithADash() throws {
        let t = try TestReplica("north")
        defer { t.remove() }
        let (status, output) = try Self.run(["customer", "add", "--data", t.directory.url.path, "--first-name", "Ann", "--last-name", "-Dash",
                                             "--notes", "-5 discount given", "--tag", "-vip"])
        #expect(status == 0, "\(output)")
        let ann = try #require(try t.replica.searchCustomers("ann").first)
        #expect(ann.customer["lastName"] == .text("-Dash") && ann.customer["notes"] == .text("-5 discount given") && ann.tags == ["-vip"])
    }

    /// `rooftop import adf DIR`: the directory's `.xml` and `.adf` files in name order (not hidden
    /// files, not others); a directory without one is refused before anything is written.
    @Test func aDirectoryOfLeadFilesIsImportedInNameOrder() throws {
        let t = try TestReplica("north")
        defer { t.remove() }
        let leads = t.directory.path("leads")
        try FileManager.default.createDirectory(atPath: leads, withIntermediateDirectories: true)
        try Fixtures.data("adf/06-minimal-phone-only.xml").write(to: URL(fileURLWithPath: leads + "/b.xml"))
        try Fixtures.data("adf/01-used-suv-web-form.xml").write(to: URL(fileURLWithPath: leads + "/a.ADF"))
        try Fixtures.data("adf/03-business-fleet-inquiry.xml").write(to: URL(fileURLWithPath: leads + "/.hidden.xml"))
        try Data("not a lead".utf8).write(to: URL(fileURLWithPath: leads + "/notes.txt"))
        let (status, output) = try Self.run(["import", "adf", "--data", t.directory.url.path, leads])
        #expect(status == 0, "\(output)")
        let a = try #require(output.range(of: "a.ADF: "), "\(output)"), b = try #require(output.range(of: "b.xml: "), "\(output)")
        #expect(a.lowerBound < b.lowerBound && !output.contains("hidden") && !output.contains("notes.txt"), "\(output)")
        #expect(try t.replica.storedRowCount(CRMSchema.lead) == 2)

        let empty = t.directory.path("empty")
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
        let (emptyStatus, emptyOutput) = try Self.run(["import", "adf", "--data", t.directory.url.path, empty])
        #expect(emptyStatus != 0 && emptyOutput.contains("no .xml or .adf file"), "\(emptyOutput)")
    }
}
