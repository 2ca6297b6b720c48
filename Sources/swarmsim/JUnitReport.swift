import Foundation
import SwarmSimScenario

/// JUnit XML for CI: one test suite per scenario, one test case per expectation, a failure
/// element with the measured value for each that failed.
enum JUnitReport {
    static func write(_ reports: [(file: String, report: RunReport)], to path: String) throws {
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n"
        for (file, report) in reports {
            let failures = report.expectations.filter { !$0.passed }.count
            xml += "  <testsuite name=\"\(escape(report.scenario))\" tests=\"\(report.expectations.count)\" "
            xml += "failures=\"\(failures)\" file=\"\(escape(file))\">\n"
            for verdict in report.expectations {
                xml += "    <testcase classname=\"\(escape(report.scenario))\" name=\"\(escape(verdict.expectation))\""
                if verdict.passed {
                    xml += "/>\n"
                } else {
                    xml += ">\n      <failure message=\"\(escape(verdict.measured))\">\(escape(verdict.location))</failure>\n"
                    xml += "    </testcase>\n"
                }
            }
            xml += "  </testsuite>\n"
        }
        xml += "</testsuites>\n"
        try Data(xml.utf8).write(to: URL(fileURLWithPath: path))
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
