namespace LLaDAV.Eval.Tasks.Families.Mmmu;

/// <summary>MMMU's six disciplines and their 30 subjects (<c>DOMAIN_CAT2SUB_CAT</c> in lmms-eval tasks/mmmu/utils.py).</summary>
public static class MmmuDomains
{
    public static readonly IReadOnlyList<(string Domain, string[] Subjects)> DomainToSubjects =
    [
        ("Art and Design", ["Art", "Art_Theory", "Design", "Music"]),
        ("Business", ["Accounting", "Economics", "Finance", "Manage", "Marketing"]),
        ("Science", ["Biology", "Chemistry", "Geography", "Math", "Physics"]),
        ("Health and Medicine", ["Basic_Medical_Science", "Clinical_Medicine", "Diagnostics_and_Laboratory_Medicine", "Pharmacy", "Public_Health"]),
        ("Humanities and Social Science", ["History", "Literature", "Sociology", "Psychology"]),
        ("Tech and Engineering", ["Agriculture", "Architecture_and_Engineering", "Computer_Science", "Electronics", "Energy_and_Power", "Materials", "Mechanical_Engineering"]),
    ];
}
