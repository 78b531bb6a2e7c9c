"""Console pages for import and export: the upload, the column mapping, the preview of every row,
the import's outcome, and downloads of the inventory list as it is filtered. Each view fetches
through a scoping helper, calls a service and renders; the services check the role themselves."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from common.actors import Actor
from common.panels import Panel
from common.paging import paginate
from inventory import permissions
from inventory.filters import AIModelFilterSet
from inventory.models import AIModel
from transfers import uploads
from transfers.forms import ConfirmForm, MappingForm, UploadForm
from transfers.models import Upload
from transfers.reading import max_bytes
from transfers.services import export_inventory, export_name, request_export, template_files
from transfers.tables import FORMAT_LABELS, FORMATS, MEDIA_TYPES, FileRefused, Problem

NO_ADD_MESSAGE = "Your role cannot add models, so it cannot import them."
RECENT_UPLOADS = 10


def _upload_for_user(request: HttpRequest, pk) -> Upload:
    """The person's own upload; anyone else's is not found (it is theirs to see)."""
    if not permissions.can_add(request.user):
        raise PermissionDenied(NO_ADD_MESSAGE)
    return get_object_or_404(Upload.objects.of(request.user).defer("content", "reviews_content"), pk=pk)


def list_panel(request: HttpRequest, model: None, today) -> Panel | None:
    """The inventory list's import and export box: downloads of the list as filtered, and the
    import for those who may add models."""
    if not permissions.can_view(request.user):
        return None
    query = request.GET.copy()
    query.pop("page", None)
    return Panel("transfers/includes/list_panel.html", {
        "query": query.urlencode(), "can_import": permissions.can_add(request.user), "formats": FORMAT_LABELS,
    })


@require_GET
def export(request: HttpRequest) -> HttpResponse:
    """The inventory list as filtered, as a file: ?format=csv|json|xlsx, &reviews=1 with the review
    history (for CSV, &table=reviews downloads the history's own file).

    A list longer than MLTRACK_EXPORT_INLINE_MAX models is exported by the background worker instead
    (an Excel file of 100,000 models takes longer than a web request may): the page then follows
    the job, which offers the file when it is done."""
    permissions.require_view(request.user)
    fmt = request.GET.get("format", "csv")
    if fmt not in FORMATS:
        raise Http404("Unknown format.")
    today = timezone.localdate()
    filterset = AIModelFilterSet(request.GET, queryset=AIModel.objects.all(), today=today)
    actor = Actor.for_user(request.user)
    if filterset.qs.count() > settings.MLTRACK_EXPORT_INLINE_MAX:
        job = request_export(actor, fmt=fmt, query=request.GET, now=timezone.now(), today=today)
        return redirect(job)
    reviews = request.GET.get("reviews") == "1" or request.GET.get("table") == "reviews"
    exported = export_inventory(queryset=filterset.qs, fmt=fmt, actor=actor, reviews=reviews)
    part = "reviews" if request.GET.get("table") == "reviews" and fmt == "csv" else ""
    return _download(exported.files[part], fmt, export_name(today, fmt, part))


@require_GET
def template(request: HttpRequest) -> HttpResponse:
    """An empty file with every column; for CSV, &table=columns downloads the columns' documentation."""
    permissions.require_view(request.user)
    fmt = request.GET.get("format", "xlsx")
    if fmt not in FORMATS:
        raise Http404("Unknown format.")
    files = template_files(fmt)
    part = "columns" if request.GET.get("table") == "columns" and fmt == "csv" else ""
    return _download(files[part], fmt, f"mltrack-inventory-template{'.columns' if part else ''}.{fmt}")


def _download(content: bytes, fmt: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=MEDIA_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def upload(request: HttpRequest) -> HttpResponse:
    """Send a file to import: its columns are found, then matched on the next page."""
    if not permissions.can_add(request.user):
        raise PermissionDenied(NO_ADD_MESSAGE)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        sent = form.cleaned_data["file"]
        reviews = form.cleaned_data["reviews_file"]
        if sent.size + (reviews.size if reviews else 0) > max_bytes():
            form.add_error("file", f"The file is over the limit of {settings.MLTRACK_IMPORT_MAX_MB:,} MB.")
        else:
            try:
                received = uploads.receive_upload(
                    data=sent.read(), name=sent.name, reviews=reviews.read() if reviews else None,
                    sheet=form.cleaned_data["sheet"], header_row=form.cleaned_data["header_row"],
                    update=form.cleaned_data["update"], actor=Actor.for_user(request.user), now=timezone.now(),
                )
            except FileRefused as exc:
                for problem in exc.problems:
                    form.add_error("file", problem.describe(sent.name))
            else:
                return redirect(received)
    recent = list(Upload.objects.of(request.user).only("id", "file_name", "uploaded_at", "state")[:RECENT_UPLOADS])
    return render(request, "transfers/upload.html", {
        "form": form, "recent": recent, "limit_mb": settings.MLTRACK_IMPORT_MAX_MB, "formats": FORMAT_LABELS,
    })


def detail(request: HttpRequest, pk) -> HttpResponse:
    """An upload's page: the mapping step, the progress of its check or import, the preview of
    every row with its problems, or the outcome."""
    upload = _upload_for_user(request, pk)
    now = timezone.now()
    context = {"upload": upload, "stalled": upload.stalled(now=now), "limit_mb": settings.MLTRACK_IMPORT_MAX_MB}
    if upload.state == Upload.State.UPLOADED:
        context["form"] = MappingForm(columns=upload.columns)
    elif upload.result is not None and not upload.running:
        context.update(_result_context(request, upload))
    return render(request, "transfers/upload_detail.html", context)


def _result_context(request: HttpRequest, upload: Upload) -> dict:
    result = upload.result
    json = upload.format == "json"
    if "refused" in result:
        return {"refused": [Problem.from_dict(p, json=json).describe(upload.file_name) for p in result["refused"]]}
    problems: dict[int | None, list[str]] = {}
    review_problems = []
    for data in result["problems"]:
        problem = Problem.from_dict(data, json=json)
        if problem.table == "reviews":
            review_problems.append(problem.describe(upload.file_name))
        else:
            problems.setdefault(problem.row, []).append(problem.describe(upload.file_name))
    rows = [(row, name, action, problems.get(row, [])) for row, name, action in result["actions"]]
    show = request.GET.get("show", "problems" if result["problems"] else "all")
    if show == "problems":
        rows = [row for row in rows if row[2] == "problem"]
    paged = paginate(request, rows, settings.MLTRACK_PAGE_SIZE)
    notices = [Problem.from_dict(data, json=json).describe(upload.file_name) for data in result["notices"]
               if not data["message"].startswith("Skipped: ")]
    return {
        "result": result, "rows": paged.items, "page": paged.page, "query": paged.query.urlencode(), "show": show,
        "file_problems": problems.get(None, []), "review_problems": review_problems, "notices": notices,
        "confirm_form": ConfirmForm(initial={"continue_on_error": upload.continue_on_error}),
        "importable": result["created"] + result["updated"] + result["reviews"] > 0,
    }


@require_POST
def mapping(request: HttpRequest, pk) -> HttpResponse:
    """Keep the fields chosen for the columns, and check every row."""
    upload = _upload_for_user(request, pk)
    if request.POST.get("again"):  # a check whose worker stopped, started again with its mapping
        chosen = upload.mapping
    else:
        form = MappingForm(request.POST, columns=upload.columns)
        if not form.is_valid():
            return render(request, "transfers/upload_detail.html", {"upload": upload, "form": form}, status=400)
        chosen = form.mapping()
    try:
        uploads.choose_mapping(upload, mapping=chosen, actor=Actor.for_user(request.user), now=timezone.now())
    except uploads.UploadRefused as exc:
        messages.error(request, str(exc))
    return redirect(upload)


@require_POST
def confirm(request: HttpRequest, pk) -> HttpResponse:
    """Import a checked file."""
    upload = _upload_for_user(request, pk)
    form = ConfirmForm(request.POST)
    form.is_valid()
    try:
        uploads.confirm(upload, actor=Actor.for_user(request.user), now=timezone.now(),
                        continue_on_error=form.cleaned_data.get("continue_on_error", False))
    except uploads.UploadRefused as exc:
        messages.error(request, str(exc))
    return redirect(upload)


@require_GET
def status(request: HttpRequest, pk) -> JsonResponse:
    """How far the check or import has got, for the page to follow without reloading."""
    upload = _upload_for_user(request, pk)
    return JsonResponse({
        "state": upload.state, "state_label": upload.get_state_display(), "progress": upload.progress,
        "stage": upload.stage, "running": upload.running, "stalled": upload.stalled(now=timezone.now()),
        "error": upload.error,
    })
