using Intranet.Modules.PlanKpi.Data;
using Intranet.Modules.PlanKpi.Domain;
using Microsoft.EntityFrameworkCore;

namespace Intranet.Modules.PlanKpi.Import;

/// <summary>What an import did.</summary>
/// <param name="PlanCode">The plan's code.</param>
/// <param name="Created">True for a new plan, false when an existing one was updated.</param>
/// <param name="Policies">Number of policies in the file.</param>
/// <param name="Measures">Number of measures.</param>
/// <param name="Projects">Number of projects (cross-listings not counted).</param>
/// <param name="Indicators">Number of indicators.</param>
/// <param name="Targets">Number of targets.</param>
public sealed record PlanImportResult(string PlanCode, bool Created, int Policies, int Measures, int Projects, int Indicators, int Targets);

/// <summary>
/// Stores a validated <see cref="PlanFile"/> in one transaction. A plan whose code exists is updated in
/// place: policies, measures, projects, placements and indicators are matched by code, so actuals
/// (kept on indicators) and fed values survive. An indicator that has actuals cannot be removed by a
/// file that no longer lists it: the import is refused instead.
/// </summary>
public sealed class PlanImporter(PlanKpiDbContext db, TimeProvider clock)
{
    /// <summary>Imports <paramref name="file"/>; nothing is written when it throws.</summary>
    /// <exception cref="PlanFileException">The file fails validation, or would remove indicators that have actuals.</exception>
    public async Task<PlanImportResult> ImportAsync(PlanFile file, string fileName, CancellationToken ct)
    {
        var errors = PlanFileValidator.Validate(file);
        if (errors.Count > 0) throw new PlanFileException(fileName, errors);

        var plan = await db.WholePlans()
            .SingleOrDefaultAsync(p => p.Code == file.Code, ct);
        var created = plan is null;
        if (plan is null)
        {
            plan = new Plan { Code = file.Code!, SortOrder = await db.Plans.CountAsync(ct) };
            db.Plans.Add(plan);
        }

        plan.Title = file.Title!;
        plan.Municipality = file.Municipality!;
        plan.FirstFiscalYear = file.Period!.FirstFiscalYear;
        plan.LastFiscalYear = file.Period.LastFiscalYear;
        plan.Vision = file.Vision;
        plan.PolicyLevelName = file.LevelNames!.Policy!;
        plan.MeasureLevelName = file.LevelNames.Measure!;
        plan.ProjectLevelName = file.LevelNames.Project!;
        plan.Source = file.Source;
        plan.ImportedAt = clock.GetUtcNow();

        // Indicators that would disappear while holding actuals make the whole import fail.
        var fileIndicatorCodes = file.Policies.SelectMany(p => p.Measures)
            .SelectMany(m => m.Indicators.Concat(m.Projects.SelectMany(j => j.Indicators)))
            .Select(i => i.Code!).ToHashSet();
        var lost = plan.Indicators.Where(i => !fileIndicatorCodes.Contains(i.Code) && i.Actuals.Count > 0).ToList();
        if (lost.Count > 0)
        {
            throw new PlanFileException(fileName, lost.Select(i => new PlanFileError(
                "$", $"指標 {i.Code}「{i.Name}」には実績値が{i.Actuals.Count}件あるため、ファイルから削除できません。")).ToList());
        }

        // Projects (definitions, not cross-listings) by code.
        var projectFiles = file.Policies.SelectMany(p => p.Measures).SelectMany(m => m.Projects)
            .Where(j => j.CrossListingOf is null).ToList();

        // What the yearly round has recorded stays (issue #10): a plan with revisions is changed by revisions only (a file
        // would undo them: projects added by a revision deleted, moved ones put back), a project with evaluation sheets
        // cannot be removed, and the targets of a year whose round has closed cannot change.
        if (!created) await CheckEvaluatedAsync(plan, file, projectFiles, fileName, ct);
        var projects = plan.Projects.ToDictionary(p => p.Code);
        foreach (var gone in plan.Projects.Where(p => projectFiles.All(f => f.Code != p.Code)).ToList())
        {
            plan.Projects.Remove(gone);
            db.Projects.Remove(gone);
        }
        for (var i = 0; i < projectFiles.Count; i++)
        {
            var pf = projectFiles[i];
            if (!projects.TryGetValue(pf.Code!, out var project))
            {
                project = new Project { PlanId = plan.Id, Code = pf.Code! };
                plan.Projects.Add(project);
                projects[project.Code] = project;
            }
            project.Name = pf.Name!;
            project.Continuity = PlanFileValidator.ParseContinuity(pf.Continuity);
            project.Summary = pf.Summary;
            project.Aim = pf.Aim;
            project.OfficialSummary = pf.OfficialSummary;
            project.OfficialAim = pf.OfficialAim;
            project.SortOrder = i;
            db.ProjectDepartments.RemoveRange(project.Departments);
            project.Departments.Clear();
            project.Departments.AddRange(pf.LeadDepartments.Select((d, k) => new ProjectDepartment
                { ProjectId = project.Id, Role = DepartmentRole.Lead, Department = d.Trim(), SortOrder = k }));
            project.Departments.AddRange(pf.RelatedDepartments.Select((d, k) => new ProjectDepartment
                { ProjectId = project.Id, Role = DepartmentRole.Related, Department = d.Trim(), SortOrder = k }));
            db.AnnualActivities.RemoveRange(project.AnnualActivities);
            project.AnnualActivities.Clear();
            project.AnnualActivities.AddRange(pf.AnnualActivities.Select((a, k) => new AnnualActivity
            {
                ProjectId = project.Id, Name = a.Name!, SortOrder = k,
                FiscalYears = string.Join(",", a.FiscalYears.Distinct().Order()),
            }));
        }

        // Policies and measures by code; placements by (measure, code).
        var policies = plan.Policies.ToDictionary(p => p.Code);
        var measures = plan.Policies.SelectMany(p => p.Measures).ToDictionary(m => m.Code);
        var keptMeasures = new HashSet<string>();
        var indicatorSort = 0;
        var indicatorsByCode = plan.Indicators.ToDictionary(i => i.Code);
        var keptIndicators = new HashSet<string>();

        for (var pi = 0; pi < file.Policies.Count; pi++)
        {
            var pf = file.Policies[pi];
            if (!policies.TryGetValue(pf.Code!, out var policy))
            {
                policy = new Policy { PlanId = plan.Id, Code = pf.Code! };
                plan.Policies.Add(policy);
                policies[policy.Code] = policy;
            }
            policy.Title = pf.Title!;
            policy.SortOrder = pi;

            for (var mi = 0; mi < pf.Measures.Count; mi++)
            {
                var mf = pf.Measures[mi];
                if (!measures.TryGetValue(mf.Code!, out var measure))
                {
                    measure = new Measure { PlanId = plan.Id, Code = mf.Code! };
                    measures[measure.Code] = measure;
                }
                if (measure.PolicyId != policy.Id)
                {
                    plan.Policies.FirstOrDefault(p => p.Measures.Contains(measure))?.Measures.Remove(measure);
                    measure.PolicyId = policy.Id;
                    policy.Measures.Add(measure);
                }
                measure.Title = mf.Title!;
                measure.SortOrder = mi;
                keptMeasures.Add(measure.Code);

                var placements = measure.Placements.ToDictionary(p => p.Code);
                var keptPlacements = new HashSet<string>();
                for (var ji = 0; ji < mf.Projects.Count; ji++)
                {
                    var jf = mf.Projects[ji];
                    var project = projects[jf.CrossListingOf ?? jf.Code!];
                    if (!placements.TryGetValue(jf.Code!, out var placement))
                    {
                        placement = new Placement { MeasureId = measure.Id, Code = jf.Code! };
                        measure.Placements.Add(placement);
                    }
                    placement.ProjectId = project.Id;
                    placement.IsCrossListing = jf.CrossListingOf is not null;
                    placement.SortOrder = ji;
                    keptPlacements.Add(placement.Code);
                    if (jf.CrossListingOf is null)
                    {
                        foreach (var inf in jf.Indicators)
                            Upsert(inf, projectId: project.Id, measureId: null);
                    }
                }
                foreach (var gone in measure.Placements.Where(p => !keptPlacements.Contains(p.Code)).ToList())
                {
                    measure.Placements.Remove(gone);
                    db.Placements.Remove(gone);
                }
                foreach (var inf in mf.Indicators)
                    Upsert(inf, projectId: null, measureId: measure.Id);
            }
        }

        foreach (var gone in plan.Indicators.Where(i => !keptIndicators.Contains(i.Code)).ToList())
        {
            plan.Indicators.Remove(gone);
            db.Indicators.Remove(gone);
        }
        foreach (var policy in plan.Policies.ToList())
        {
            foreach (var gone in policy.Measures.Where(m => !keptMeasures.Contains(m.Code)).ToList())
            {
                policy.Measures.Remove(gone);
                db.Measures.Remove(gone);
            }
            if (file.Policies.All(p => p.Code != policy.Code))
            {
                plan.Policies.Remove(policy);
                db.Policies.Remove(policy);
            }
        }

        await db.SaveChangesAsync(ct);
        return new PlanImportResult(plan.Code, created, file.Policies.Count, measures.Count(m => keptMeasures.Contains(m.Key)),
            projectFiles.Count, keptIndicators.Count, plan.Indicators.Sum(i => i.Targets.Count));

        void Upsert(PlanFileIndicator f, Guid? projectId, Guid? measureId)
        {
            if (!indicatorsByCode.TryGetValue(f.Code!, out var indicator))
            {
                indicator = new Indicator { PlanId = plan.Id, Code = f.Code! };
                plan.Indicators.Add(indicator);
                indicatorsByCode[indicator.Code] = indicator;
            }
            indicator.ProjectId = projectId;
            indicator.MeasureId = measureId;
            indicator.Name = f.Name!;
            indicator.Kind = PlanFileValidator.ParseKind(f.Kind)!.Value;
            indicator.Unit = f.Unit?.Trim() ?? "";
            indicator.Direction = PlanFileValidator.ParseDirection(f.Direction)!.Value;
            indicator.Comparator = PlanFileValidator.ParseComparator(f.Comparator)!.Value;
            indicator.Cumulative = f.Cumulative;
            indicator.MetricKey = string.IsNullOrWhiteSpace(f.MetricKey) ? null : f.MetricKey;
            indicator.Rationale = f.Rationale;
            indicator.OfficialRationale = f.OfficialRationale;
            indicator.ReadingNote = f.ReadingNote;
            indicator.SortOrder = indicatorSort++;
            keptIndicators.Add(indicator.Code);

            var targets = indicator.Targets.ToDictionary(t => t.FiscalYear);
            foreach (var tf in f.Targets)
            {
                if (!targets.TryGetValue(tf.FiscalYear, out var target))
                {
                    target = new Target { IndicatorId = indicator.Id, FiscalYear = tf.FiscalYear };
                    indicator.Targets.Add(target);
                }
                target.Value = tf.Value;
                target.Text = string.IsNullOrWhiteSpace(tf.Text) ? null : tf.Text;
            }
            foreach (var gone in indicator.Targets.Where(t => f.Targets.All(x => x.FiscalYear != t.FiscalYear)).ToList())
            {
                indicator.Targets.Remove(gone);
                db.Targets.Remove(gone);
            }
        }
    }

    private async Task CheckEvaluatedAsync(Plan plan, PlanFile file, List<PlanFileProject> projectFiles, string fileName, CancellationToken ct)
    {
        var errors = new List<PlanFileError>();
        var revisions = await db.PlanRevisions.CountAsync(r => r.PlanId == plan.Id, ct);
        if (revisions > 0)
            throw new PlanFileException(fileName, [new PlanFileError("$",
                $"計画 {plan.Code} には計画の見直しが{revisions}版記録されています。ファイルを取り込むと見直しが失われるため、取り込めません。変更は「計画の見直し」で記録してください。")]);
        var evaluated = await db.EvaluationSheets.Join(db.Projects.Where(p => p.PlanId == plan.Id), s => s.ProjectId, p => p.Id, (s, _) => s.ProjectId)
            .Distinct().ToListAsync(ct);
        foreach (var gone in plan.Projects.Where(p => evaluated.Contains(p.Id) && projectFiles.All(f => f.Code != p.Code)))
            errors.Add(new PlanFileError("$", $"事業 {gone.Code}「{gone.Name}」には評価シートがあるため、ファイルから削除できません。終了は計画の見直しで記録してください。"));
        var locked = await Domain.Evaluation.EvaluationLocks.LockedYearsAsync(db, plan.Id, ct);
        if (locked.Count > 0)
        {
            var fileTargets = file.Policies.SelectMany(p => p.Measures)
                .SelectMany(m => m.Indicators.Concat(m.Projects.SelectMany(j => j.Indicators)))
                .ToDictionary(i => i.Code!, i => i.Targets);
            foreach (var indicator in plan.Indicators)
            foreach (var year in locked.Order())
            {
                var stored = indicator.Targets.FirstOrDefault(t => t.FiscalYear == year);
                var incoming = fileTargets.GetValueOrDefault(indicator.Code)?.FirstOrDefault(t => t.FiscalYear == year);
                var storedText = stored?.Text;
                var incomingText = string.IsNullOrWhiteSpace(incoming?.Text) ? null : incoming!.Text;
                if (stored?.Value != incoming?.Value || storedText != incomingText)
                    errors.Add(new PlanFileError("$", $"指標 {indicator.Code} の{Intranet.Shared.Web.Fmt.Year(year)}の目標値は評価が確定しているため変更できません。"));
            }
        }
        if (errors.Count > 0) throw new PlanFileException(fileName, errors);
    }
}
