import hashlib

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from cases.models import AgreementSignature, Case
from cases.rules import can
from cases.selectors import get_case_or_404
from dowimm.audit.middleware import signing_link_used
from dowimm.documents import forms, services
from dowimm.documents.kinds import kind_for
from dowimm.documents.selectors import (
    awaited_parties,
    current_version,
    party_key,
    party_label,
    version_matching,
)
from dowimm.documents.services import DocumentError

Party = AgreementSignature.Party
SCHOOL_PERMISSIONS = {
    Party.HOME_SCHOOL: "cases.act_for_home_school",
    Party.RECEIVING_SCHOOL: "cases.act_for_receiving_school",
}


def _kind_or_404(slug):
    spec = kind_for(slug)
    if spec is None:
        raise Http404("No such document")
    return spec


def _signing_party(user, case):
    """The school the user may sign for on this case, or None."""
    party = services.staff_party(user, case)
    if party and can(user, SCHOOL_PERMISSIONS[party], case):
        return party
    return None


def _client(request):
    return {
        "ip_address": request.META.get("REMOTE_ADDR") or None,
        "user_agent": request.META.get("HTTP_USER_AGENT", ""),
    }


# Where home-school staff record a signature given on paper, with its scan.
PAPER_SIGNATURE_URLS = {
    "agreement": "cases:signature_add",
    "managed-move": "cases:managed_move_signature_add",
}


@login_required
@never_cache
def detail(request, pk, kind):
    case = get_case_or_404(request.user, pk, "cases.view_case")
    spec = _kind_or_404(kind)
    version = current_version(case, spec.kind)
    versions = case.document_versions.filter(kind=spec.kind).prefetch_related(
        "signatures"
    )
    party = _signing_party(request.user, case)
    awaited = awaited_parties(version) if version else []
    context = {
        "case": case,
        "spec": spec,
        "version": version,
        "versions": versions,
        "signed": _labelled(version),
        "show_recorder": True,
        "family_copies": _family_copies(version),
        "awaited": awaited,
        "can_sign": bool(
            version
            and version.is_ready_to_sign
            and party
            and party_key(party, None)
            in {party_key(p["party"], p["carer_id"]) for p in awaited}
        ),
        "can_send_links": bool(version)
        and can(request.user, "cases.act_for_home_school", case),
        "paper_url_name": PAPER_SIGNATURE_URLS.get(spec.kind),
    }
    return render(request, "documents/detail.html", context)


def _family_copies(version):
    if version is None:
        return []
    return version.family_copies.select_related("carer")


def _labelled(version):
    if version is None:
        return []
    signatures = list(version.signatures.select_related("signer_user"))
    for signature in signatures:
        signature.party_label = party_label(
            version, signature.party, signature.carer_id
        )
    return signatures


@login_required
def sign(request, pk, kind):
    case = get_case_or_404(request.user, pk, "cases.view_case")
    spec = _kind_or_404(kind)
    party = _signing_party(request.user, case)
    if party is None:
        raise PermissionDenied("Only staff of the two schools sign for them")
    version = current_version(case, spec.kind)
    form = forms.StaffSignForm(
        request.POST or None, initial={"version": version and version.number}
    )

    if request.method == "POST" and form.is_valid() and version:
        read = form.cleaned_data["version"]
        if read != version.number:
            messages.warning(
                request,
                f"Version {read} was replaced by version {version.number} while "
                f"you had it open, so nothing was signed. Read version "
                f"{version.number}, then sign it.",
            )
            return redirect("documents:sign", case.pk, spec.kind)
        try:
            services.signature_sign_in_app(
                version_id=version.pk, user=request.user, **_client(request)
            )
        except DocumentError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, f"You signed the {spec.title}")
            return redirect("documents:detail", case.pk, spec.kind)
    context = {"case": case, "spec": spec, "version": version, "form": form}
    return render(request, "documents/sign.html", context)


@login_required
def signing_link_send(request, pk, kind):
    case = get_case_or_404(request.user, pk, "cases.act_for_home_school")
    spec = _kind_or_404(kind)
    version = current_version(case, spec.kind)
    recipients = services.signing_recipients(case, version) if version else {}
    form = forms.SigningLinkForm(request.POST or None, recipients=recipients)

    if request.method == "POST" and form.is_valid():
        label, party, carer_id, email = recipients[form.cleaned_data["recipient"]]
        try:
            services.signing_link_send(
                version_id=version.pk,
                user=request.user,
                party=party,
                carer_id=carer_id,
                email=email,
                site_url=request.build_absolute_uri("/"),
            )
        except DocumentError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, f"Signing link emailed: {label}")
            return redirect("documents:detail", case.pk, spec.kind)
    context = {
        "case": case,
        "spec": spec,
        "version": version,
        "form": form,
        "link_days": settings.DOWIMM_SIGNING_LINK_DAYS,
    }
    return render(request, "documents/signing_link_send.html", context)


def _private_pdf(field_file, download_name):
    response = FileResponse(
        field_file.open("rb"),
        as_attachment=True,
        filename=download_name,
        content_type="application/pdf",
    )
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def version_pdf(request, pk, kind, number):
    case = get_case_or_404(request.user, pk, "cases.view_case")
    spec = _kind_or_404(kind)
    version = get_object_or_404(case.document_versions, kind=spec.kind, number=number)
    if not version.pdf:
        raise Http404("The PDF is still being prepared")
    return _private_pdf(version.pdf, spec.file_name(case, number))


@login_required
def signed_pdf(request, pk, kind, number):
    case = get_case_or_404(request.user, pk, "cases.view_case")
    spec = _kind_or_404(kind)
    version = get_object_or_404(case.document_versions, kind=spec.kind, number=number)
    if not version.signed_pdf:
        raise Http404("Not yet signed by everyone")
    return _private_pdf(version.signed_pdf, spec.file_name(case, signed=True))


# Signing from an emailed link: no account, and nothing about the case is
# shown until the code sent to the same address has been entered.


def _public(view):
    """
    No caching and no indexing for pages with a token. The project's
    same-origin referrer policy already keeps the token from other sites;
    "no-referrer" would make browsers send Origin: null, which CSRF refuses.
    """

    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["Cache-Control"] = "no-store"
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    wrapped.__name__ = view.__name__
    return wrapped


def _session_key(link):
    return f"documents-signing-link-{link.pk}"


def _link_audited(link):
    """
    Put this page in the case's record of access as seen by the party the
    link was sent to: the link is their key, and they have no account.
    """
    case_id = link.version.case_id
    pupil_id = (
        Case.objects.filter(pk=case_id).values_list("pupil_id", flat=True).first()
    )
    signing_link_used(link, case_id=case_id, pupil_id=pupil_id)


def _link_or_problem_page(request, token, *, audit=True):
    """
    (link, None) when the link can be used, else (None, a response). A
    usable link's page is audited unless `audit` is False; a refused link's
    page shows nothing about anyone and is not.
    """
    link = services.link_for_token(token)
    if link is None:
        response = render(request, "documents/public/link_unknown.html", status=404)
        return None, response
    problem = services.link_problem(link)
    if problem:
        context = {"problem": problem, "token": token}
        return None, render(request, "documents/public/link_problem.html", context)
    if audit:
        _link_audited(link)
    return link, None


@_public
def signing_start(request, token):
    link, problem_page = _link_or_problem_page(request, token)
    if problem_page:
        return problem_page
    form = forms.SendCodeForm(request.POST or None)
    if request.method == "POST":
        try:
            services.signing_code_send(token=token)
        except DocumentError as error:
            form.add_error(None, error.message)
        else:
            return redirect("documents:signing_code", token)
    return render(request, "documents/public/start.html", {"form": form})


@_public
def signing_code(request, token):
    link, problem_page = _link_or_problem_page(request, token)
    if problem_page:
        return problem_page
    if not link.code_hmac:
        return redirect("documents:signing_start", token)
    form = forms.CodeForm(request.POST or None)

    if request.method == "POST" and form.is_valid():
        try:
            matched = services.signing_code_check(
                token=token, code=form.cleaned_data["code"]
            )
        except DocumentError as error:
            form.add_error("code", error.message)
        else:
            if matched:
                request.session.cycle_key()
                request.session[_session_key(link)] = True
                return redirect("documents:signing_document", token)
            left = services.SIGNING_CODE_ATTEMPTS - link.failed_attempts - 1
            if left <= 0:
                return _link_or_problem_page(request, token)[1]
            form.add_error(
                "code",
                f"The code is not right. Check the email and try again: "
                f"{left} {'try' if left == 1 else 'tries'} left.",
            )
    context = {"form": form, "token": token}
    return render(request, "documents/public/code.html", context)


@_public
def signing_document(request, token):
    link, problem_page = _link_or_problem_page(request, token, audit=False)
    if problem_page:
        return problem_page
    if not (link.verified_at and request.session.get(_session_key(link))):
        return redirect("documents:signing_start", token)
    _link_audited(link)
    version = link.version
    form = forms.FamilySignForm(request.POST or None)

    if request.method == "POST" and form.is_valid():
        try:
            services.signature_sign_from_link(
                token=token,
                signer_name=form.cleaned_data["full_name"],
                **_client(request),
            )
        except DocumentError as error:
            form.add_error(None, error.message)
        else:
            request.session.pop(_session_key(link), None)
            return redirect("documents:signing_done")
    context = {
        "form": form,
        "version": version,
        "spec": kind_for(version.kind),
        "signing_for": party_label(version, link.party, link.carer_id),
        "token": token,
    }
    return render(request, "documents/public/document.html", context)


@_public
@require_POST
def signing_renew(request, token):
    link = services.link_for_token(token)
    if link is not None:
        _link_audited(link)
    try:
        services.signing_link_renew(
            token=token, site_url=request.build_absolute_uri("/")
        )
    except DocumentError as error:
        return render(
            request, "documents/public/renew_refused.html", {"message": error.message}
        )
    return render(request, "documents/public/renewed.html")


@_public
def signing_done(request):
    return render(request, "documents/public/done.html")


@never_cache
def verify(request):
    form = forms.VerifyForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        digest = hashlib.sha256()
        for chunk in form.cleaned_data["file"].chunks():
            digest.update(chunk)
        version, signed = version_matching(digest.hexdigest())
        result = {
            "sha256": digest.hexdigest(),
            "version": version,
            "signed": signed,
            "title": version.title if version else "",
            "reference": version.case.reference if version else "",
            "replaced": bool(version and version.superseded_at),
            "signed_by_everyone": bool(version and version.signed_at),
        }
    context = {
        "form": form,
        "result": result,
        "verify_url": reverse("documents:verify"),
    }
    return render(request, "documents/verify.html", context)
