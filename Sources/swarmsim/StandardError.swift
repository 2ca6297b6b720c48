/// Standard error as a `TextOutputStream`, for messages that must not mix with command output.
struct StandardError: TextOutputStream {
    mutating func write(_ string: String) {
        FileStream.standardError.write(string)
    }
}
