// WordCountJob: the word count behind `ember wordcount` and the WordCount example.
// A word is a maximal run of ASCII letters [A-Za-z], lowercased; the result is sorted by count
// descending, then word ascending.
//
//   read.text ─► explode(split(value, "[^A-Za-z]+")) AS word ─► filter word != "" ─► lower(word)
//             ─► groupBy(word).count() ─► orderBy(count DESC, word ASC)

@_spi(EmberInternal) import Planner

public enum WordCountJob {
    public static func dataFrame(_ session: Session, inputs: [String]) throws -> DataFrame {
        let lines = try session.read.text(inputs)
        let words = lines.select(explode(split(col("value"), "[^A-Za-z]+")).alias("token"))
            .filter(col("token") =!= "")
            .select(lower(col("token")).alias("word"))
        return words.groupBy("word").count().orderBy(col("count").desc(), col("word").asc())
    }
}
